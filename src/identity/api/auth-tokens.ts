import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { authenticate } from '../authenticate.ts';
import type { IdentityDeps } from '../deps.ts';
import { queryFlag } from '../rows.ts';
import { issueToken, type TokenData, validateToken } from '../token-model.ts';
import { tokenBody } from '../token-view.ts';

const NameOrId = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  domain: Type.Optional(
    Type.Object({
      id: Type.Optional(Type.String({ maxLength: 255 })),
      name: Type.Optional(Type.String({ maxLength: 255 })),
    }),
  ),
});

const AuthBody = Type.Object({
  auth: Type.Object({
    identity: Type.Object({
      methods: Type.Array(Type.String(), { minItems: 1 }),
      password: Type.Optional(
        Type.Object({ user: Type.Intersect([NameOrId, Type.Object({ password: Type.String({ maxLength: 4096 }) })]) }),
      ),
      token: Type.Optional(Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) })),
      application_credential: Type.Optional(
        Type.Object({
          id: Type.Optional(Type.String({ maxLength: 64 })),
          name: Type.Optional(Type.String({ maxLength: 255 })),
          secret: Type.String({ maxLength: 4096 }),
          user: Type.Optional(NameOrId),
        }),
      ),
    }),
    scope: Type.Optional(
      Type.Union([
        Type.Literal('unscoped'),
        Type.Object({
          project: Type.Optional(NameOrId),
          domain: Type.Optional(
            Type.Object({
              id: Type.Optional(Type.String({ maxLength: 255 })),
              name: Type.Optional(Type.String({ maxLength: 255 })),
            }),
          ),
          system: Type.Optional(Type.Object({ all: Type.Optional(Type.Boolean()) })),
          'OS-TRUST:trust': Type.Optional(Type.Object({ id: Type.String({ maxLength: 64 }) })),
        }),
      ]),
    ),
  }),
});
type AuthBody = Static<typeof AuthBody>;

const TokenQuery = Type.Object({
  nocatalog: Type.Optional(Type.String()),
  allow_expired: Type.Optional(Type.String()),
});
type TokenQuery = Static<typeof TokenQuery>;

export function authTokenRoutes(app: ServiceApp, deps: IdentityDeps): void {
  app.post<{ Body: AuthBody; Querystring: TokenQuery }>(
    '/v3/auth/tokens',
    { config: { public: true }, schema: { body: AuthBody, querystring: TokenQuery } },
    async (req, reply) => {
      const request = await authenticate(deps, req.body.auth as Parameters<typeof authenticate>[1]);
      const token = await issueToken(deps, request);
      const body = await tokenBody(deps, token, { catalog: !queryFlag(req.query.nocatalog) });
      return reply.code(201).header('x-subject-token', token.token).send({ token: body });
    },
  );

  const subject = async (req: FastifyRequest<{ Querystring: TokenQuery }>, rule: string): Promise<TokenData> => {
    const header = req.headers['x-subject-token'];
    if (typeof header !== 'string' || header === '')
      throw new NotFound('Could not find token: X-Subject-Token header is missing.');
    const caller = req.ctx.requireAuth();
    const data = await validateToken(deps, header, 'subject', { allowExpired: queryFlag(req.query.allow_expired) });
    req.ctx.enforce(rule, { target: { token: { user_id: data.user.id } }, user_id: caller.userId });
    return data;
  };

  app.get<{ Querystring: TokenQuery }>(
    '/v3/auth/tokens',
    { schema: { querystring: TokenQuery } },
    async (req, reply) => {
      const data = await subject(req, 'identity:validate_token');
      const body = await tokenBody(deps, data, { catalog: !queryFlag(req.query.nocatalog) });
      return reply.header('x-subject-token', data.token).send({ token: body });
    },
  );

  app.head<{ Querystring: TokenQuery }>(
    '/v3/auth/tokens',
    { schema: { querystring: TokenQuery } },
    async (req, reply) => {
      const data = await subject(req, 'identity:check_token');
      return reply.code(200).header('x-subject-token', data.token).send();
    },
  );

  app.delete<{ Querystring: TokenQuery }>('/v3/auth/tokens', async (req, reply) => {
    const data = await subject(req, 'identity:revoke_token');
    await deps.revocations.revoke({ audit_id: data.payload.auditIds[0] });
    return reply.code(204).send();
  });
}
