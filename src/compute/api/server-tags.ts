import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { tagsOf, updateInstance, visibleInstanceOr404 } from '../instance-store.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';

const P = 'os_compute_api:os-server-tags';
/** Nova's MAX_TAGS_PER_INSTANCE. */
const MAX_TAGS = 50;
const WRITABLE = ['active', 'paused', 'suspended', 'stopped'];

interface Params {
  server_id: string;
  tag: string;
}

/** Nova's tag rule: 1–60 characters, no ',' or '/'. */
function checkTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length < 1 || tag.length > 60 || /[,/]/.test(tag))
    throw badRequest(`Invalid input for field/attribute tags. Value: ${JSON.stringify(tag)}.`);
  return tag;
}

/** What Nova names the write in its 409 ('update tag'), or false for a read. */
async function serverFor(req: FastifyRequest, deps: ComputeDeps, uuid: string, rule: string, write: string | false) {
  if (req.microversion.atMost('2.25')) throw notFound('The resource could not be found.');
  const caller = serverCallerOf(req);
  const row = await visibleInstanceOr404(deps.db, caller, uuid);
  enforceNova(req, `${P}:${rule}`, instanceTarget(row));
  // Nova edits tags only of active, paused, suspended or stopped servers.
  if (write && !WRITABLE.includes(row.vm_state))
    throw conflict(`Cannot '${write}' instance ${row.uuid} while it is in vm_state ${row.vm_state}`);
  return row;
}

const tagsNow = async (deps: ComputeDeps, uuid: string) => (await tagsOf(deps.db, [uuid])).get(uuid) ?? [];

/** /v2.1/servers/{id}/tags (2.26). */
export function serverTagsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const base = '/v2.1/servers/:server_id/tags';
  app.get<{ Params: Params }>(base, async (req) => {
    const row = await serverFor(req, deps, req.params.server_id, 'index', false);
    return { tags: await tagsNow(deps, row.uuid) };
  });

  app.put<{ Params: Params }>(base, async (req) => {
    const body = req.body as { tags?: unknown } | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.tags) || Object.keys(body).length !== 1)
      throw badRequest("Invalid input for field/attribute tags. 'tags' is a required property");
    const tags = [...new Set(body.tags.map(checkTag))];
    if (body.tags.length > MAX_TAGS)
      throw badRequest(`Invalid input for field/attribute tags. Too many tags: at most ${MAX_TAGS}.`);
    const row = await serverFor(req, deps, req.params.server_id, 'update_all', 'update tags');
    await deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('instance_tags').where('instance_uuid', '=', row.uuid).execute();
      if (tags.length > 0)
        await trx
          .insertInto('instance_tags')
          .values(tags.map((tag) => ({ instance_uuid: row.uuid, tag })))
          .execute();
      await updateInstance(trx, row.uuid, {});
    });
    return { tags: await tagsNow(deps, row.uuid) };
  });

  app.delete<{ Params: Params }>(base, async (req, reply) => {
    const row = await serverFor(req, deps, req.params.server_id, 'delete_all', 'delete tags');
    await deps.db.deleteFrom('instance_tags').where('instance_uuid', '=', row.uuid).execute();
    await updateInstance(deps.db, row.uuid, {});
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
    const row = await serverFor(req, deps, req.params.server_id, 'show', false);
    if (!(await tagsNow(deps, row.uuid)).includes(req.params.tag))
      throw notFound(`Tag ${req.params.tag} could not be found.`);
    return reply.code(204).send();
  });

  app.put<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
    const tag = checkTag(req.params.tag);
    const row = await serverFor(req, deps, req.params.server_id, 'update', 'update tag');
    const existing = await tagsNow(deps, row.uuid);
    const location = deps.url(`/v2.1/servers/${row.uuid}/tags/${encodeURIComponent(tag)}`);
    if (existing.includes(tag)) return reply.code(204).header('location', location).send();
    if (existing.length >= MAX_TAGS)
      throw badRequest(`Instance ${row.uuid} has the maximum number of tags (${MAX_TAGS}).`);
    await deps.db.insertInto('instance_tags').values({ instance_uuid: row.uuid, tag }).execute();
    await updateInstance(deps.db, row.uuid, {});
    return reply.code(201).header('location', location).send();
  });

  app.delete<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
    const row = await serverFor(req, deps, req.params.server_id, 'delete', 'delete tag');
    const gone = await deps.db
      .deleteFrom('instance_tags')
      .where('instance_uuid', '=', row.uuid)
      .where('tag', '=', req.params.tag)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw notFound(`Tag ${req.params.tag} could not be found.`);
    await updateInstance(deps.db, row.uuid, {});
    return reply.code(204).send();
  });
}
