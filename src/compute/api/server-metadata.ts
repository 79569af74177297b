import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { metadataOf, updateInstance, visibleInstanceOr404 } from '../instance-store.ts';
import { checkQuota } from '../quotas.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';
import { checkLock } from '../server-action-context.ts';
import { assertValid } from '../server-create-schema.ts';
import type { InstanceRow } from '../tables.ts';

/** Nova's metadata schema: keys of `[a-zA-Z0-9-_:. ]{1,255}`, string values up to 255. */
const KEY = Type.String({ pattern: '^[a-zA-Z0-9-_:. ]{1,255}$' });
const Items = Type.Record(KEY, Type.String({ maxLength: 255 }), { additionalProperties: false });
const metadataBody = TypeCompiler.Compile(Type.Object({ metadata: Items }, { additionalProperties: false }));
const metaBody = TypeCompiler.Compile(
  Type.Object(
    { meta: Type.Record(KEY, Type.String({ maxLength: 255 }), { additionalProperties: false, minProperties: 1 }) },
    { additionalProperties: false },
  ),
);

const P = 'os_compute_api:server-metadata';
const WRITABLE = ['active', 'paused', 'suspended', 'stopped'];

interface Params {
  server_id: string;
  key: string;
}

async function serverFor(req: FastifyRequest, deps: ComputeDeps, uuid: string, rule: string, write: boolean) {
  const caller = serverCallerOf(req);
  const row = await visibleInstanceOr404(deps.db, caller, uuid);
  enforceNova(req, `${P}:${rule}`, instanceTarget(row));
  if (write) {
    checkLock(row, caller);
    // Nova changes metadata only of a settled server (check_instance_state with task_state None).
    if (!WRITABLE.includes(row.vm_state))
      throw conflict(`Cannot 'update_metadata' instance ${row.uuid} while it is in vm_state ${row.vm_state}`);
    if (row.task_state !== null)
      throw conflict(`Cannot 'update_metadata' instance ${row.uuid} while it is in task_state ${row.task_state}`);
  }
  return row;
}

const current = async (deps: ComputeDeps, uuid: string) => (await metadataOf(deps.db, [uuid])).get(uuid) ?? {};

/** Writes the whole metadata of a server (after the quota check), bumping its `updated`. */
async function saveMetadata(deps: ComputeDeps, row: InstanceRow, items: Record<string, string>): Promise<void> {
  await checkQuota(deps, instanceTarget(row), { metadata_items: Object.keys(items).length });
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('instance_metadata').where('instance_uuid', '=', row.uuid).execute();
    const values = Object.entries(items).map(([key, value]) => ({ instance_uuid: row.uuid, key, value }));
    if (values.length > 0) await trx.insertInto('instance_metadata').values(values).execute();
    await updateInstance(trx, row.uuid, {});
  });
}

/** /v2.1/servers/{id}/metadata and /metadata/{key}. */
export function serverMetadataRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const base = '/v2.1/servers/:server_id/metadata';
  app.get<{ Params: Params }>(base, async (req) => {
    const row = await serverFor(req, deps, req.params.server_id, 'index', false);
    return { metadata: await current(deps, row.uuid) };
  });

  app.post<{ Params: Params }>(base, async (req) => {
    assertValid(metadataBody, req.body);
    const row = await serverFor(req, deps, req.params.server_id, 'create', true);
    const items = {
      ...(await current(deps, row.uuid)),
      ...(req.body as { metadata: Record<string, string> }).metadata,
    };
    await saveMetadata(deps, row, items);
    return { metadata: items };
  });

  app.put<{ Params: Params }>(base, async (req) => {
    assertValid(metadataBody, req.body);
    const row = await serverFor(req, deps, req.params.server_id, 'update_all', true);
    const items = (req.body as { metadata: Record<string, string> }).metadata;
    await saveMetadata(deps, row, items);
    return { metadata: items };
  });

  app.get<{ Params: Params }>(`${base}/:key`, async (req) => {
    const row = await serverFor(req, deps, req.params.server_id, 'show', false);
    const items = await current(deps, row.uuid);
    if (!Object.hasOwn(items, req.params.key)) throw notFound('Metadata item was not found');
    return { meta: { [req.params.key]: items[req.params.key] } };
  });

  app.put<{ Params: Params }>(`${base}/:key`, async (req) => {
    const meta = (req.body as { meta?: Record<string, unknown> } | null)?.meta;
    if (meta && typeof meta === 'object' && Object.keys(meta).length > 1)
      throw badRequest('Request body contains too many items');
    assertValid(metaBody, req.body);
    const [[key, value]] = Object.entries(meta as Record<string, string>);
    if (key !== req.params.key) throw badRequest('Request body and URI mismatch');
    const row = await serverFor(req, deps, req.params.server_id, 'update', true);
    await saveMetadata(deps, row, { ...(await current(deps, row.uuid)), [key]: value });
    return { meta: { [key]: value } };
  });

  app.delete<{ Params: Params }>(`${base}/:key`, async (req, reply) => {
    const row = await serverFor(req, deps, req.params.server_id, 'delete', true);
    const items = await current(deps, row.uuid);
    if (!Object.hasOwn(items, req.params.key)) throw notFound('Metadata item was not found');
    delete items[req.params.key];
    await saveMetadata(deps, row, items);
    return reply.code(204).send();
  });
}
