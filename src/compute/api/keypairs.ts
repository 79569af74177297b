import { randomInt } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { generateSshKeyPair, generateX509KeyPair, sshFingerprint, x509Fingerprint } from '../keypair-fingerprint.ts';
import { nextLinks, pageAfter, parseLimit, queryValue } from '../list-paging.ts';
import type { Microversion } from '../microversion.ts';
import { checkQuota } from '../quotas.ts';
import { novaTime } from '../request-caller.ts';
import { enforceNova } from '../server-access.ts';
import type { KeypairRow } from '../tables.ts';

const KeypairCreate = Type.Object(
  {
    keypair: Type.Object(
      {
        name: Type.String(),
        public_key: Type.Optional(Type.String()),
        type: Type.Optional(Type.Union([Type.Literal('ssh'), Type.Literal('x509')])),
        user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type KeypairCreate = Static<typeof KeypairCreate>;
type NameParams = { name: string };

const notFoundFor = (name: string, userId: string) => notFound(`Keypair ${name} not found for user ${userId}`);

/** Before 2.92 a name is letters, digits, '_', '-' and spaces; 2.92 also allows '@' and '.'. */
function checkKeypairName(name: string, mv: Microversion): void {
  if (name.length < 1 || name.length > 255 || name.trim() === '')
    throw badRequest('Keypair data is invalid: Keypair name must be string and between 1 and 255 characters long');
  const safe = mv.atLeast('2.92') ? /^[A-Za-z0-9_\- @.]+$/ : /^[A-Za-z0-9_\- ]+$/;
  if (!safe.test(name)) throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
}

/**
 * /os-keypairs: per user (admins name another with `user_id`, 2.10); generate (returns the private key once,
 * up to 2.91) or import an OpenSSH public key or x509 certificate; create answers 201 and delete 204 from 2.2.
 */
export function keypairRoutes(app: ServiceApp, deps: ComputeDeps): void {
  /** The user a request is about: `?user_id=` (2.10, admins by policy) or the caller. */
  const userOf = (req: FastifyRequest, given?: string) => {
    const own = req.ctx.requireAuth().userId;
    const asked = req.microversion.atLeast('2.10')
      ? (given ?? queryValue((req.query as Record<string, unknown>).user_id))
      : undefined;
    return asked || own;
  };
  const find = async (userId: string, name: string) => {
    const row = await deps.db
      .selectFrom('key_pairs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw notFoundFor(name, userId);
    return row;
  };
  const typed = (view: Record<string, unknown>, row: KeypairRow, mv: Microversion) => {
    if (mv.atLeast('2.2')) view.type = row.type;
    return view;
  };

  app.get('/v2.1/os-keypairs', async (req) => {
    const userId = userOf(req);
    enforceNova(req, 'os_compute_api:os-keypairs:index', { user_id: userId });
    const query = req.query as Record<string, unknown>;
    const paged = req.microversion.atLeast('2.35');
    const limit = paged ? parseLimit(query.limit) : undefined;
    const rows = await deps.db
      .selectFrom('key_pairs')
      .selectAll()
      .where('user_id', '=', userId)
      // Nova pages key pairs by name (the marker is a name).
      .orderBy('name')
      .execute();
    const page = paged ? pageAfter(rows, (r) => r.name, queryValue(query.marker), limit) : rows;
    const keypairs = page.map((r) => ({
      keypair: typed({ name: r.name, public_key: r.public_key, fingerprint: r.fingerprint }, r, req.microversion),
    }));
    const links = paged ? nextLinks(deps.url, '/os-keypairs', query, page, limit, page.at(-1)?.name) : undefined;
    return links ? { keypairs, keypairs_links: links } : { keypairs };
  });

  app.get<{ Params: NameParams }>('/v2.1/os-keypairs/:name', async (req) => {
    const userId = userOf(req);
    enforceNova(req, 'os_compute_api:os-keypairs:show', { user_id: userId });
    const row = await find(userId, req.params.name);
    const view = {
      id: Number(row.id),
      name: row.name,
      public_key: row.public_key,
      fingerprint: row.fingerprint,
      user_id: row.user_id,
      created_at: novaTime(row.created_at),
      updated_at: null,
      deleted_at: null,
      deleted: false,
    };
    return { keypair: typed(view, row, req.microversion) };
  });

  app.post<{ Body: KeypairCreate }>('/v2.1/os-keypairs', { schema: { body: KeypairCreate } }, async (req, reply) => {
    const mv = req.microversion;
    const body = req.body.keypair;
    if (body.type !== undefined && !mv.atLeast('2.2')) throw unexpected('type');
    if (body.user_id !== undefined && !mv.atLeast('2.10')) throw unexpected('user_id');
    const userId = userOf(req, body.user_id);
    enforceNova(req, 'os_compute_api:os-keypairs:create', { user_id: userId });
    checkKeypairName(body.name, mv);
    const type = body.type ?? 'ssh';
    if (body.public_key === undefined && mv.atLeast('2.92'))
      throw badRequest("Invalid input for field/attribute keypair. 'public_key' is a required property");
    const auth = req.ctx.requireAuth();
    await checkQuota(deps, { project_id: auth.projectId ?? '', user_id: userId }, { key_pairs: 1 });
    let publicKey: string;
    let fingerprint: string;
    let privateKey: string | undefined;
    if (body.public_key !== undefined) {
      publicKey = body.public_key;
      fingerprint = type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
    } else {
      const made = type === 'x509' ? await generateX509KeyPair(userId) : await generateSshKeyPair();
      ({ publicKey, fingerprint, privateKey } = made);
    }
    const row: KeypairRow = {
      // Nova shows an integer id; the table keeps it as text.
      id: String(Date.now() * 1000 + randomInt(1000)),
      user_id: userId,
      name: body.name,
      type,
      public_key: publicKey,
      fingerprint,
      created_at: new Date().toISOString(),
    };
    await deps.db.transaction().execute(async (trx) => {
      const had = await trx
        .selectFrom('key_pairs')
        .select('id')
        .where('user_id', '=', userId)
        .where('name', '=', body.name)
        .executeTakeFirst();
      if (had) throw conflict(`Key pair '${body.name}' already exists.`);
      await trx.insertInto('key_pairs').values(row).execute();
    });
    const view: Record<string, unknown> = {
      name: row.name,
      public_key: row.public_key,
      fingerprint: row.fingerprint,
      user_id: row.user_id,
    };
    if (privateKey) view.private_key = privateKey;
    return reply.code(mv.atLeast('2.2') ? 201 : 200).send({ keypair: typed(view, row, mv) });
  });

  app.delete<{ Params: NameParams }>('/v2.1/os-keypairs/:name', async (req, reply) => {
    const userId = userOf(req);
    enforceNova(req, 'os_compute_api:os-keypairs:delete', { user_id: userId });
    const row = await find(userId, req.params.name);
    await deps.db.deleteFrom('key_pairs').where('id', '=', row.id).execute();
    return reply.code(req.microversion.atLeast('2.2') ? 204 : 202).send();
  });
}

const unexpected = (field: string) =>
  badRequest(
    `Invalid input for field/attribute keypair. Additional properties are not allowed ('${field}' was unexpected)`,
  );
