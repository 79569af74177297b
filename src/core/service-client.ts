import type { FastifyBaseLogger } from 'fastify';

/**
 * How one service calls another over HTTP, as OpenStack services do: a service user (`compute` in project
 * `service`, roles `service` and `admin`) logs in with its password; its token is cached until five minutes
 * before it expires and fetched again once when a call answers 401. A call made for a user carries the user's
 * token as `X-Auth-Token` (so visibility is the user's) and the service token as `X-Service-Token`; a background
 * call carries the service token alone. Bodies are JSON both ways; fetch keeps connections alive.
 */
export interface ServiceCredentials {
  user: string;
  password: string;
  project: string;
  userDomain?: string;
  projectDomain?: string;
}

export interface ServiceClientOptions {
  /** The Identity v3 endpoint ('http://127.0.0.1:8080/identity/v3'); read on every login. */
  authUrl(): string;
  credentials(): ServiceCredentials | Promise<ServiceCredentials>;
  log?: FastifyBaseLogger;
}

export interface ServiceCall {
  method?: string;
  /** JSON-encoded unless it is a string or a Uint8Array (then sent as it is, with the caller's content type). */
  body?: unknown;
  /** Act as this user (X-Auth-Token) with the service token beside it (X-Service-Token). */
  userToken?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON the caller narrows.
export interface ServiceResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON; the text when it is not JSON; undefined when empty. */
  body: T;
}

export interface ServiceClient {
  /** The service token (cached). */
  token(): Promise<string>;
  /** The service user's project id, known after the first login. */
  projectId(): Promise<string>;
  /** An endpoint of the service token's catalog by service type and interface ('internal' by default). */
  endpoint(type: string, iface?: string): Promise<string | undefined>;
  request(url: string, call?: ServiceCall): Promise<ServiceResponse>;
  /** Forget the cached token (the next call logs in again). */
  invalidate(): void;
}

/** Re-login this long before the token expires. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

interface CachedToken {
  id: string;
  expiresAt: number;
  projectId: string;
  catalog: { type: string; endpoints: { interface: string; url: string }[] }[];
}

export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  let cached: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;

  const login = async (): Promise<CachedToken> => {
    const c = await opts.credentials();
    const res = await fetch(`${opts.authUrl()}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: c.user, domain: { name: c.userDomain ?? 'Default' }, password: c.password } },
          },
          scope: { project: { name: c.project, domain: { name: c.projectDomain ?? 'Default' } } },
        },
      }),
    });
    const text = await res.text();
    const id = res.headers.get('x-subject-token');
    if (res.status !== 201 || !id) {
      opts.log?.error({ status: res.status, user: c.user }, 'service user login failed');
      throw new Error(`service user ${c.user} could not log in: ${res.status} ${text.slice(0, 200)}`);
    }
    const token = JSON.parse(text).token;
    return {
      id,
      expiresAt: Date.parse(token.expires_at),
      projectId: token.project?.id ?? '',
      catalog: token.catalog ?? [],
    };
  };

  const current = async (): Promise<CachedToken> => {
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return cached;
    // Concurrent callers share one login.
    pending ??= login().then(
      (t) => {
        cached = t;
        pending = undefined;
        return t;
      },
      (err) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };

  const send = async (url: string, call: ServiceCall, serviceToken: string): Promise<ServiceResponse> => {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.userToken) {
      headers['x-auth-token'] = call.userToken;
      headers['x-service-token'] = serviceToken;
    } else headers['x-auth-token'] = serviceToken;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (call.body !== undefined) {
      if (typeof call.body === 'string' || call.body instanceof Uint8Array) body = call.body as typeof body;
      else {
        body = JSON.stringify(call.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(url, { method: call.method ?? 'GET', headers, body, signal: call.signal });
    const text = await res.text();
    let parsed: unknown = text || undefined;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {}
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  return {
    token: async () => (await current()).id,
    projectId: async () => (await current()).projectId,
    async endpoint(type, iface = 'internal') {
      const entry = (await current()).catalog.find((s) => s.type === type);
      return entry?.endpoints.find((e) => e.interface === iface)?.url ?? entry?.endpoints[0]?.url;
    },
    async request(url, call = {}) {
      const first = await current();
      const res = await send(url, call, first.id);
      // A 401 for the service token itself (revoked, keys rotated): log in again, once.
      if (res.status !== 401 || call.userToken) return res;
      if (cached?.id === first.id) cached = undefined;
      return send(url, call, (await current()).id);
    },
    invalidate() {
      cached = undefined;
    },
  };
}
