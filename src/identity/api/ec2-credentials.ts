import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { NotFound, Unauthorized } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { blobCipher } from '../credential-crypto.ts';
import { checkDelegatedProject, checkUnrestrictedAppCred } from '../credential-delegation.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { ec2CredentialId } from '../ec2-blob.ts';
import { parseObject } from '../rows.ts';
import {
  type Credential,
  createCredential,
  credentialOf,
  deleteCredential,
  getCredential,
  listCredentials,
} from '../store/credentials.ts';
import { requireProject } from '../store/ec2-credentials.ts';
import { getUser } from '../store/users.ts';

const UserParam = Type.Object({ user_id: Type.String({ maxLength: 64 }) });
type UserParam = Static<typeof UserParam>;
const AccessParam = Type.Object({ user_id: Type.String({ maxLength: 64 }), access: Type.String({ maxLength: 255 }) });
type AccessParam = Static<typeof AccessParam>;
const Ec2Create = Type.Object(
  { tenant_id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: true },
);
type Ec2Create = Static<typeof Ec2Create>;

const hex = () => randomUUID().replaceAll('-', '');

/**
 * `/v3/users/{user_id}/credentials/OS-EC2`: EC2-style access/secret pairs, stored as `ec2` credentials whose
 * id is the SHA-256 of the access key, so one key is one row whichever API made it.
 */
export function ec2CredentialsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const cipher = blobCipher(deps.config.dataDir);
  const path = '/v3/users/:user_id/credentials/OS-EC2';

  const view = (c: Credential) => {
    const blob = parseObject(c.blob);
    return {
      user_id: c.user_id,
      tenant_id: c.project_id,
      access: blob.access ?? null,
      secret: blob.secret ?? null,
      trust_id: blob.trust_id ?? null,
      links: { self: deps.url(`/users/${c.user_id}/credentials/OS-EC2/${String(blob.access)}`) },
    };
  };

  /**
   * The key a get or delete names, once `rule` allows it. Keystone looks the key up before the policy check
   * (404 first), and answers 401 for a non-EC2 row.
   */
  const storedKey = async (req: FastifyRequest<{ Params: AccessParam }>, rule: string): Promise<Credential> => {
    const auth = req.ctx.requireAuth();
    const { user_id, access } = req.params;
    const c = await getCredential(deps.db, cipher, ec2CredentialId(access));
    // Stricter than Keystone: a key is found only under its own user's path.
    if (c.user_id !== user_id) throw new NotFound(`Could not find credential: ${ec2CredentialId(access)}.`);
    req.ctx.enforce(rule, { user_id, target: { credential: credentialOf(c) } });
    await getUser(deps.db, c.user_id);
    if (c.type !== 'ec2') throw new Unauthorized('EC2 access key not found.');
    checkDelegatedProject(auth, c.project_id, 'EC2 credential');
    return c;
  };

  app.get<{ Params: UserParam }>(path, { schema: { params: UserParam } }, async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce('identity:ec2_list_credentials', { user_id: req.params.user_id });
    await getUser(deps.db, req.params.user_id);
    const creds = await listCredentials(deps.db, cipher, { user_id: req.params.user_id, type: 'ec2' });
    const visible = creds.filter((c) => {
      try {
        checkDelegatedProject(auth, c.project_id, 'EC2 credential');
        return true;
      } catch {
        return false;
      }
    });
    return {
      credentials: visible.map(view),
      links: collectionLinks(deps, `/users/${req.params.user_id}/credentials/OS-EC2`),
    };
  });

  app.post<{ Params: UserParam; Body: Ec2Create }>(
    path,
    { schema: { params: UserParam, body: Ec2Create } },
    async (req, reply) => {
      const auth = req.ctx.requireAuth();
      const { user_id } = req.params;
      req.ctx.enforce('identity:ec2_create_credential', { user_id, target: { credential: { user_id } } });
      await checkUnrestrictedAppCred(deps.db, auth);
      await getUser(deps.db, user_id);
      await requireProject(deps.db, req.body.tenant_id);
      checkDelegatedProject(auth, req.body.tenant_id, 'EC2 credential');
      const access = hex();
      const blob = { access, secret: hex(), trust_id: auth.trustId ?? null };
      const c = await createCredential(deps.db, cipher, {
        id: ec2CredentialId(access),
        user_id,
        project_id: req.body.tenant_id,
        type: 'ec2',
        blob: JSON.stringify(blob),
        extra: {},
      });
      return reply.code(201).send({ credential: view(c) });
    },
  );

  app.get<{ Params: AccessParam }>(`${path}/:access`, { schema: { params: AccessParam } }, async (req) => {
    const c = await storedKey(req, 'identity:ec2_get_credential');
    return { credential: view(c) };
  });

  app.delete<{ Params: AccessParam }>(`${path}/:access`, { schema: { params: AccessParam } }, async (req, reply) => {
    const c = await storedKey(req, 'identity:ec2_delete_credential');
    await deleteCredential(deps.db, c.id);
    return reply.code(204).send();
  });
}
