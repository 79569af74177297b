import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { newId } from '../../core/ids.ts';
import { blobCipher } from '../credential-crypto.ts';
import { checkDelegatedProject, checkUnrestrictedAppCred } from '../credential-delegation.ts';
import { collectionLinks, type IdentityDeps } from '../deps.ts';
import { checkPinnedKeys, ec2CredentialId, missingInCredential as invalid, isEc2, parseEc2Blob } from '../ec2-blob.ts';
import { splitExtra } from '../rows.ts';
import {
  type Credential,
  createCredential,
  credentialOf,
  deleteCredential,
  findCredential,
  getCredential,
  listCredentials,
  updateCredential,
} from '../store/credentials.ts';
import { ec2CredentialsRoutes } from './ec2-credentials.ts';

const Fields = {
  blob: Type.String(),
  type: Type.String({ minLength: 1, maxLength: 255 }),
  user_id: Type.String({ minLength: 1, maxLength: 64 }),
  project_id: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
};
const CredentialCreate = Type.Object({ credential: Type.Object(Fields, { additionalProperties: true }) });
type CredentialCreate = Static<typeof CredentialCreate>;
/**
 * Upstream Keystone (master, 2026) still lets PATCH change type, project_id and user_id besides the blob, and
 * re-checks the policy on the merged credential so a non-admin cannot hand one to another user. Tempest 33 sends
 * project_id and type; the blob-only PATCH of one distribution's patch is not upstream behaviour.
 */
const CredentialUpdate = Type.Object({
  credential: Type.Object(
    {
      blob: Type.Optional(Fields.blob),
      type: Type.Optional(Fields.type),
      user_id: Type.Optional(Fields.user_id),
      project_id: Fields.project_id,
    },
    { additionalProperties: true, minProperties: 1 },
  ),
});
type CredentialUpdate = Static<typeof CredentialUpdate>;
const IdParam = Type.Object({ credential_id: Type.String({ maxLength: 64 }) });
type IdParam = Static<typeof IdParam>;
const ListQuery = Type.Object({ user_id: Type.Optional(Type.String()), type: Type.Optional(Type.String()) });
type ListQuery = Static<typeof ListQuery>;

const KNOWN = ['blob', 'type', 'user_id', 'project_id'] as const;

export function credentialsRoutes(app: ServiceApp, deps: IdentityDeps): void {
  const cipher = blobCipher(deps.config.dataDir);
  const view = (c: Credential) => ({ ...credentialOf(c), links: { self: deps.url(`/credentials/${c.id}`) } });
  const target = (c: Credential | undefined) => (c ? { target: { credential: credentialOf(c) } } : {});

  app.get<{ Querystring: ListQuery }>('/v3/credentials', { schema: { querystring: ListQuery } }, async (req) => {
    const auth = req.ctx.requireAuth();
    req.ctx.enforce(
      'identity:list_credentials',
      auth.scope === 'system' ? {} : { target: { credential: { user_id: auth.userId } } },
    );
    const all = await listCredentials(deps.db, cipher, req.query);
    // Keystone answers only what the caller could GET one by one: a member sees their own, never a neighbour's.
    const visible = all.filter((c) => {
      if (!req.ctx.allowed('identity:get_credential', target(c))) return false;
      try {
        checkDelegatedProject(auth, c.project_id);
        return true;
      } catch {
        return false;
      }
    });
    return { credentials: visible.map(view), links: collectionLinks(deps, '/credentials') };
  });

  app.post<{ Body: CredentialCreate }>(
    '/v3/credentials',
    { schema: { body: CredentialCreate } },
    async (req, reply) => {
      const auth = req.ctx.requireAuth();
      const body = req.body.credential;
      req.ctx.enforce('identity:create_credential', { target: { credential: body } });
      const [, extra] = splitExtra(body, KNOWN);
      let id = newId();
      let blob = body.blob;
      if (isEc2(body.type)) {
        if (!body.project_id) throw invalid('project_id');
        await checkUnrestrictedAppCred(deps.db, auth);
        const parsed = parseEc2Blob(blob);
        id = ec2CredentialId(String(parsed.access));
        // Keys made with a delegated token must yield equally delegated tokens at /ec2tokens.
        if (auth.trustId) parsed.trust_id = auth.trustId;
        if (auth.appCredId) parsed.app_cred_id = auth.appCredId;
        if (auth.trustId || auth.appCredId) blob = JSON.stringify(parsed);
      }
      checkDelegatedProject(auth, body.project_id ?? null);
      const c = await createCredential(deps.db, cipher, {
        id,
        user_id: body.user_id,
        project_id: body.project_id ?? null,
        type: body.type,
        blob,
        extra,
      });
      return reply.code(201).send({ credential: view(c) });
    },
  );

  app.get<{ Params: IdParam }>('/v3/credentials/:credential_id', { schema: { params: IdParam } }, async (req) => {
    const auth = req.ctx.requireAuth();
    const found = await findCredential(deps.db, cipher, req.params.credential_id);
    req.ctx.enforce('identity:get_credential', target(found));
    const c = found ?? (await getCredential(deps.db, cipher, req.params.credential_id));
    checkDelegatedProject(auth, c.project_id);
    return { credential: view(c) };
  });

  app.patch<{ Params: IdParam; Body: CredentialUpdate }>(
    '/v3/credentials/:credential_id',
    { schema: { params: IdParam, body: CredentialUpdate } },
    async (req) => {
      const auth = req.ctx.requireAuth();
      const id = req.params.credential_id;
      req.ctx.enforce('identity:update_credential', target(await findCredential(deps.db, cipher, id)));
      const body = req.body.credential as CredentialUpdate['credential'] & { id?: unknown };
      if (body.id !== undefined && body.id !== id) throw new BadRequest('Cannot change ID');
      const [, extra] = splitExtra(body, KNOWN);
      const c = await updateCredential(deps.db, cipher, id, (current) => {
        checkDelegatedProject(auth, current.project_id);
        const next: Credential = {
          ...current,
          ...(body.blob !== undefined && { blob: body.blob }),
          ...(body.type !== undefined && { type: body.type }),
          ...(body.user_id !== undefined && { user_id: body.user_id }),
          ...(body.project_id !== undefined && { project_id: body.project_id }),
          extra: { ...current.extra, ...extra },
        };
        if (isEc2(next.type) && !next.project_id) throw invalid('project_id');
        if (isEc2(current.type) && body.blob !== undefined) checkPinnedKeys(current.blob, body.blob);
        else if (isEc2(next.type) && body.blob !== undefined) parseEc2Blob(body.blob);
        // The owner or scope may have changed: the caller must be allowed to hold the result too.
        req.ctx.enforce('identity:update_credential', target(next));
        checkDelegatedProject(auth, next.project_id);
        return next;
      });
      return { credential: view(c) };
    },
  );

  app.delete<{ Params: IdParam }>(
    '/v3/credentials/:credential_id',
    { schema: { params: IdParam } },
    async (req, reply) => {
      const auth = req.ctx.requireAuth();
      const found = await findCredential(deps.db, cipher, req.params.credential_id);
      req.ctx.enforce('identity:delete_credential', target(found));
      const c = found ?? (await getCredential(deps.db, cipher, req.params.credential_id));
      checkDelegatedProject(auth, c.project_id);
      await deleteCredential(deps.db, c.id);
      return reply.code(204).send();
    },
  );

  ec2CredentialsRoutes(app, deps);
}
