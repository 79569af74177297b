import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0a request signatures (RFC 5849 section 3.4), as the OS-OAUTH1 request-token and access-token calls
 * carry them in the Authorization header. Pure functions: the caller looks up the secrets.
 */

/** RFC 5849 3.6: percent-encode everything but ALPHA, DIGIT, '-', '.', '_' and '~'. */
export function oauthEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters of `Authorization: OAuth k="v", ...` (values decoded), or undefined when it is not OAuth. */
export function parseOAuthHeader(header: string | undefined): Map<string, string> | undefined {
  const m = header?.match(/^\s*OAuth\s+(.*)$/is);
  if (!m) return undefined;
  const params = new Map<string, string>();
  for (const part of m[1].split(',')) {
    const kv = part.trim().match(/^([^=\s]+)\s*=\s*"(.*)"$/s);
    if (!kv) continue;
    try {
      params.set(decodeURIComponent(kv[1]), decodeURIComponent(kv[2]));
    } catch {
      return undefined;
    }
  }
  return params;
}

/** RFC 5849 3.4.1.2: lower-case scheme and host, no default port, no query. */
export function baseStringUri(url: string): string {
  const u = new URL(url);
  const defaultPort = (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443');
  const host = u.hostname.toLowerCase() + (u.port && !defaultPort ? `:${u.port}` : '');
  return `${u.protocol.toLowerCase()}//${host}${u.pathname.replaceAll('//', '/')}`;
}

export interface SignedRequest {
  method: string;
  /** The URL as the client addressed it. */
  url: string;
  /** The oauth_* parameters of the Authorization header (realm and oauth_signature are left out of the base). */
  oauth: ReadonlyMap<string, string>;
  /** Query-string parameters, which are signed too. */
  query: readonly [string, string][];
}

export function signatureBaseString(req: SignedRequest): string {
  const pairs = [...req.oauth]
    .filter(([k]) => k !== 'oauth_signature' && k !== 'realm')
    .concat(req.query)
    .map(([k, v]) => [oauthEscape(k), oauthEscape(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const params = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return [req.method.toUpperCase(), baseStringUri(req.url), params].map(oauthEscape).join('&');
}

const HMACS: Record<string, string> = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256' };

export const supportedSignatureMethod = (method: string | undefined): boolean =>
  method !== undefined && method in HMACS;

/** True when oauth_signature is the HMAC of the request under the consumer secret and the token secret. */
export function verifySignature(req: SignedRequest, clientSecret: string, tokenSecret = ''): boolean {
  const algorithm = HMACS[req.oauth.get('oauth_signature_method') ?? ''];
  const given = req.oauth.get('oauth_signature');
  if (!algorithm || !given) return false;
  const key = `${oauthEscape(clientSecret)}&${oauthEscape(tokenSecret)}`;
  const expected = createHmac(algorithm, key).update(signatureBaseString(req)).digest();
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
