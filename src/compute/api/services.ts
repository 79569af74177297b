import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { hostZones } from '../host-zones.ts';
import { queryValue } from '../list-paging.ts';
import { enforceNova } from '../server-access.ts';
import { serviceView } from '../service-view.ts';
import type { ServiceRow } from '../tables.ts';

/** Bodies are checked by hand: one PUT path serves the legacy actions (≤ 2.52) and the by-uuid update. */
interface LegacyUpdate {
  host: string;
  binary: string;
  disabled_reason?: string;
  forced_down?: boolean;
}
interface ServiceUpdate {
  status?: 'enabled' | 'disabled';
  disabled_reason?: string;
  forced_down?: boolean;
}
type ActionParams = { action: string };
type IdParams = { service_id: string };

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * /os-services: the compute agents' services (what they report; no scheduler/conductor rows are synthesized),
 * up or down by Nova's servicegroup rule. Enable/disable/force-down by host and binary up to 2.52, by uuid from
 * 2.53; delete refuses a compute service still hosting servers.
 */
export function serviceRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const answer = async (rows: ServiceRow[], req: FastifyRequest) => {
    const zones = await hostZones(deps);
    return rows.map((s) => serviceView(deps, s, zones, req.microversion));
  };
  const byHostBinary = async (host: string, binary: string) => {
    const row = await deps.db
      .selectFrom('compute_services')
      .selectAll()
      .where('host', '=', host)
      .where('binary', '=', binary)
      .executeTakeFirst();
    if (!row) throw notFound(`Could not find binary ${binary} on host ${host}.`);
    return row;
  };

  app.get('/v2.1/os-services', async (req) => {
    enforceNova(req, 'os_compute_api:os-services:list', {});
    const query = req.query as Record<string, unknown>;
    if (req.microversion.atLeast('2.75'))
      for (const k of Object.keys(query))
        if (k !== 'host' && k !== 'binary')
          throw badRequest(
            `Invalid input for query parameters ${k}. Additional properties are not allowed ('${k}' was unexpected)`,
          );
    let q = deps.db.selectFrom('compute_services').selectAll();
    const host = queryValue(query.host);
    const binary = queryValue(query.binary);
    if (host !== undefined) q = q.where('host', '=', host);
    if (binary !== undefined) q = q.where('binary', '=', binary);
    return { services: await answer(await q.orderBy('id').execute(), req) };
  });

  app.put<{ Params: ActionParams; Body: LegacyUpdate }>('/v2.1/os-services/:action', async (req) => {
    enforceNova(req, 'os_compute_api:os-services:update', {});
    const mv = req.microversion;
    if (mv.atLeast('2.53'))
      return updateByUuid(req as unknown as FastifyRequest<{ Params: IdParams; Body: ServiceUpdate }>);
    const action = req.params.action;
    if (
      !['enable', 'disable', 'disable-log-reason', 'force-down'].includes(action) ||
      (action === 'force-down' && !mv.atLeast('2.11'))
    )
      throw notFound('Unknown action');
    const body = validateLegacy(req.body, action);
    const row = await byHostBinary(body.host, body.binary);
    const now = new Date().toISOString();
    if (action === 'force-down') {
      await deps.db
        .updateTable('compute_services')
        .set({ forced_down: body.forced_down ? 1 : 0, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      return { service: { host: row.host, binary: row.binary, forced_down: Boolean(body.forced_down) } };
    }
    const disabled = action !== 'enable';
    const reason = action === 'disable-log-reason' ? (body.disabled_reason ?? null) : null;
    await deps.db
      .updateTable('compute_services')
      .set({ disabled: disabled ? 1 : 0, disabled_reason: reason, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    const service: Record<string, unknown> = {
      host: row.host,
      binary: row.binary,
      status: disabled ? 'disabled' : 'enabled',
    };
    if (action === 'disable-log-reason') service.disabled_reason = reason;
    return { service };
  });

  const updateByUuid = async (req: FastifyRequest<{ Params: IdParams; Body: ServiceUpdate }>) => {
    const id = req.params.service_id ?? (req.params as unknown as ActionParams).action;
    const body = validateUpdate(req.body);
    if (!UUID.test(id)) throw badRequest(`Invalid uuid ${id}`);
    const row = await deps.db.selectFrom('compute_services').selectAll().where('uuid', '=', id).executeTakeFirst();
    if (!row) throw notFound(`Service ${id} could not be found.`);
    if (row.binary !== 'nova-compute')
      throw badRequest(`Updating a ${row.binary} service is not supported. Only nova-compute services can be updated.`);
    const changes: Partial<ServiceRow> = { updated_at: new Date().toISOString() };
    if (body.status !== undefined) {
      changes.disabled = body.status === 'disabled' ? 1 : 0;
      changes.disabled_reason = body.status === 'disabled' ? (body.disabled_reason ?? null) : null;
    }
    if (body.forced_down !== undefined) changes.forced_down = body.forced_down ? 1 : 0;
    await deps.db.updateTable('compute_services').set(changes).where('id', '=', row.id).execute();
    const [view] = await answer([{ ...row, ...changes }], req);
    return { service: view };
  };

  app.delete<{ Params: IdParams }>('/v2.1/os-services/:service_id', async (req, reply) => {
    enforceNova(req, 'os_compute_api:os-services:delete', {});
    const id = req.params.service_id;
    const byUuid = req.microversion.atLeast('2.53');
    if (byUuid ? !UUID.test(id) : !/^\d{1,10}$/.test(id) || Number(id) > 0x7fffffff)
      throw badRequest(byUuid ? `Invalid uuid ${id}` : `Invalid service id ${id}`);
    const row = await deps.db
      .selectFrom('compute_services')
      .selectAll()
      .where(byUuid ? 'uuid' : 'id', '=', byUuid ? id : Number(id))
      .executeTakeFirst();
    if (!row) throw notFound(`Service ${id} could not be found.`);
    if (row.binary === 'nova-compute') {
      const hosted = await deps.db
        .selectFrom('instances')
        .select('uuid')
        .where('host', '=', row.host)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      if (hosted)
        throw conflict(
          'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.',
        );
    }
    await deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('compute_nodes').where('service_id', '=', row.id).execute();
      if (row.binary === 'nova-compute') await trx.deleteFrom('aggregate_hosts').where('host', '=', row.host).execute();
      await trx.deleteFrom('compute_services').where('id', '=', row.id).execute();
    });
    return reply.code(204).send();
  });
}

function validateLegacy(body: unknown, action: string): LegacyUpdate {
  const b = (body ?? {}) as Record<string, unknown>;
  const allowed = [
    'host',
    'binary',
    ...(action === 'disable-log-reason' ? ['disabled_reason'] : []),
    ...(action === 'force-down' ? ['forced_down'] : []),
  ];
  for (const k of Object.keys(b))
    if (!allowed.includes(k))
      throw badRequest(
        `Invalid input for field/attribute service. Additional properties are not allowed ('${k}' was unexpected)`,
      );
  for (const k of ['host', 'binary']) {
    const v = b[k];
    if (typeof v !== 'string' || v.length < 1 || v.length > 255)
      throw badRequest(`Invalid input for field/attribute ${k}. Value: ${String(v)}.`);
  }
  if (
    action === 'disable-log-reason' &&
    (typeof b.disabled_reason !== 'string' || b.disabled_reason.length < 1 || b.disabled_reason.length > 255)
  )
    throw badRequest('Invalid input for field/attribute disabled_reason.');
  if (action === 'force-down' && typeof b.forced_down !== 'boolean')
    throw badRequest("Invalid input for field/attribute forced_down. 'forced_down' is a required property");
  return b as unknown as LegacyUpdate;
}

function validateUpdate(body: unknown): ServiceUpdate {
  const b = (body ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!['status', 'disabled_reason', 'forced_down'].includes(k))
      throw badRequest(
        `Invalid input for field/attribute service. Additional properties are not allowed ('${k}' was unexpected)`,
      );
  if (b.status !== undefined && b.status !== 'enabled' && b.status !== 'disabled')
    throw badRequest(`Invalid input for field/attribute status. Value: ${String(b.status)}.`);
  if (
    b.disabled_reason !== undefined &&
    (typeof b.disabled_reason !== 'string' || b.disabled_reason.length < 1 || b.disabled_reason.length > 255)
  )
    throw badRequest('Invalid input for field/attribute disabled_reason.');
  if (b.forced_down !== undefined && typeof b.forced_down !== 'boolean')
    throw badRequest('Invalid input for field/attribute forced_down.');
  if (b.status === undefined && b.forced_down === undefined)
    throw badRequest("At least one of 'status' or 'forced_down' must be specified in the request body.");
  if (b.disabled_reason !== undefined && b.status !== 'disabled')
    throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
  return b as ServiceUpdate;
}
