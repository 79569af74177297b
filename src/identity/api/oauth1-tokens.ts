import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { BadRequest, Forbidden, NotFound, Unauthorized } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';
import { effectiveRoles } from '../effective-roles.ts';
import {
  parseOAuthHeader,
  type SignedRequest,
  supportedSignatureMethod,
  verifySignature,
} from '../oauth1-signature.ts';
import { getConsumer } from '../store/oauth1-consumers.ts';
import {
  authorizeRequestToken,
  createRequestToken,
  exchangeRequestToken,
  getRequestToken,
  isExpired,
} from '../store/oauth1-tokens.ts';
import { getProject } from '../store/projects.ts';
import { ROOT } from '../tables.ts';

/**
 * The OS-OAUTH1 delegation flow: a consumer obtains a request token (signed with its secret), a user
 * authorizes it for some of their roles on the project, and the consumer trades it for an access token.
 * Strata records the access tokens (see oauth1-access-tokens.ts) but does not yet accept the `oauth1`
 * authentication method that would turn one into a Keystone token.
 */
const RoleRef = Type.Union([
  Type.Object(
    { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-zA-Z0-9-]+$' }) },
    { additionalProperties: false },
  ),
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false }),
]);
const AuthorizeBody = Type.Object({ roles: Type.Optional(Type.Array(RoleRef)) });
type AuthorizeBody = Static<typeof AuthorizeBody>;
const TokenParam = Type.Object({ request_token_id: Type.String({ maxLength: 64 }) });
type TokenParam = Static<typeof TokenParam>;

/** oauthlib's window for oauth_timestamp, in seconds. */
const TIMESTAMP_LIFETIME = 600;

const missing = (attribute: string) =>
  new BadRequest(
    `Expecting to find ${attribute} in request. The server could not comply with the request since it is either ` +
      'malformed or otherwise incorrect. The client is assumed to be in error.',
  );

function oauthParams(req: FastifyRequest): Map<string, string> {
  const params = parseOAuthHeader(req.headers.authorization);
  if (!params) throw new BadRequest('No Authorization headers found');
  return params;
}

/** The checks oauthlib makes before the signature; Keystone reports them as a 400. */
function checkProtocol(params: ReadonlyMap<string, string>, required: readonly string[]): void {
  for (const p of ['oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce', ...required])
    if (!params.get(p))
      throw new BadRequest(
        `Validation failed with errors: invalid_request, detail message is: Missing mandatory OAuth parameters: ${p}.`,
      );
  if (!supportedSignatureMethod(params.get('oauth_signature_method')))
    throw new BadRequest(
      'Validation failed with errors: invalid_signature_method, detail message is: unsupported signature method.',
    );
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0')
    throw new BadRequest('Validation failed with errors: invalid_request, detail message is: Invalid OAuth version.');
  const ts = Number(params.get('oauth_timestamp'));
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > TIMESTAMP_LIFETIME)
    throw new BadRequest(
      'Validation failed with errors: invalid_request, detail message is: Timestamp given is invalid.',
    );
}

export function oauth1TokensRoutes(app: ServiceApp, deps: IdentityDeps): void {
  /**
   * The signature covers the URL the client addressed: the Host it used, or (behind a proxy that rewrites it)
   * the cloud's public URL.
   */
  const signed = (req: FastifyRequest, path: string, oauth: Map<string, string>): SignedRequest[] => {
    const query = Object.entries(req.query as Record<string, string | string[]>).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => [k, String(x)] as [string, string]),
    );
    const asSent = `${req.protocol}://${req.host}${req.url.split('?')[0]}`;
    return [asSent, deps.url(path)].map((url) => ({ method: req.method, url, oauth, query }));
  };
  const form = (id: string, secret: string, expiresAt: string | null) =>
    `oauth_token=${id}&oauth_token_secret=${secret}${expiresAt ? `&oauth_expires_at=${expiresAt}` : ''}`;

  app.post('/v3/OS-OAUTH1/request_token', { config: { public: true } }, async (req, reply) => {
    const oauth = oauthParams(req);
    const consumerId = oauth.get('oauth_consumer_key');
    if (!consumerId) throw missing('oauth_consumer_key');
    const projectId = req.headers['requested-project-id'];
    if (typeof projectId !== 'string' || !projectId) throw missing('Requested-Project-Id');
    await getProject(deps.db, projectId);
    const consumer = await getConsumer(deps.db, consumerId);
    checkProtocol(oauth, ['oauth_callback']);
    if (!signed(req, '/OS-OAUTH1/request_token', oauth).some((r) => verifySignature(r, consumer.secret)))
      throw new Unauthorized('Invalid signature');
    const token = await createRequestToken(deps.db, consumer.id, projectId);
    return reply
      .code(201)
      .type('application/x-www-form-urlencoded')
      .send(form(token.id, token.request_secret, token.expires_at));
  });

  app.post('/v3/OS-OAUTH1/access_token', { config: { public: true } }, async (req, reply) => {
    const oauth = oauthParams(req);
    const consumerId = oauth.get('oauth_consumer_key');
    const requestTokenId = oauth.get('oauth_token');
    const verifier = oauth.get('oauth_verifier');
    if (!consumerId) throw missing('oauth_consumer_key');
    if (!requestTokenId) throw missing('oauth_token');
    if (!verifier) throw missing('oauth_verifier');
    const token = await getRequestToken(deps.db, requestTokenId);
    if (isExpired(token.expires_at)) throw new Unauthorized('Request token is expired');
    checkProtocol(oauth, []);
    const consumer = await getConsumer(deps.db, consumerId).catch((err) => {
      if (err instanceof NotFound) throw new Unauthorized('Provided consumer does not exist.');
      throw err;
    });
    if (token.consumer_id !== consumer.id)
      throw new Unauthorized('Provided consumer key does not match stored consumer key.');
    if (token.verifier !== verifier) throw new Unauthorized('Provided verifier does not match stored verifier');
    const requests = signed(req, '/OS-OAUTH1/access_token', oauth);
    if (!requests.some((r) => verifySignature(r, consumer.secret, token.request_secret)))
      throw new Unauthorized('Invalid signature');
    const access = await exchangeRequestToken(deps.db, token.id);
    return reply
      .code(201)
      .type('application/x-www-form-urlencoded')
      .send(form(access.id, access.access_secret, access.expires_at));
  });

  app.put<{ Params: TokenParam; Body: AuthorizeBody }>(
    '/v3/OS-OAUTH1/authorize/:request_token_id',
    { schema: { params: TokenParam, body: AuthorizeBody } },
    async (req) => {
      req.ctx.enforce('identity:authorize_request_token');
      const auth = req.ctx.requireAuth();
      if (auth.trustId || auth.methods.includes('oauth1'))
        throw new Forbidden('Cannot authorize a request token with a token issued via delegation.');
      const token = await getRequestToken(deps.db, req.params.request_token_id);
      if (isExpired(token.expires_at)) throw new Unauthorized('Request token is expired');
      const wanted = new Set<string>();
      for (const ref of req.body?.roles ?? []) wanted.add('id' in ref ? ref.id : await globalRoleId(deps, ref.name));
      const held = new Set(
        (await effectiveRoles(deps.db, auth.userId, { project: token.requested_project_id })).map((r) => r.id),
      );
      if (![...wanted].every((id) => held.has(id)))
        throw new Unauthorized('authorizing user does not have role required');
      const verifier = await authorizeRequestToken(deps.db, token.id, auth.userId, [...wanted]);
      return { token: { oauth_verifier: verifier } };
    },
  );
}

async function globalRoleId(deps: IdentityDeps, name: string): Promise<string> {
  const row = await deps.db
    .selectFrom('roles')
    .select('id')
    .where('domain_id', '=', ROOT)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw new NotFound(`Could not find role: ${name}.`);
  return row.id;
}
