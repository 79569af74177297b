import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { aggregateDetails, aggregateView, checkHostZones, findAggregate } from '../aggregate-store.ts';
import { checkName } from '../api-types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { INTERNAL_ZONE } from '../host-zones.ts';
import { enforceNova } from '../server-access.ts';
import type { AggregateRow } from '../tables.ts';

const Zone = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]);
const AggregateCreate = Type.Object(
  {
    aggregate: Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 255 }), availability_zone: Type.Optional(Zone) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type AggregateCreate = Static<typeof AggregateCreate>;
const AggregateUpdate = Type.Object(
  {
    aggregate: Type.Object(
      { name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })), availability_zone: Type.Optional(Zone) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
type AggregateUpdate = Static<typeof AggregateUpdate>;
const Host = Type.Object({ host: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });
const AggregateAction = Type.Object(
  {
    add_host: Type.Optional(Host),
    remove_host: Type.Optional(Host),
    set_metadata: Type.Optional(
      Type.Object(
        {
          metadata: Type.Object(
            {},
            {
              patternProperties: {
                '^[a-zA-Z0-9-_:. ]{1,255}$': Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
              },
              additionalProperties: false,
            },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
type AggregateAction = Static<typeof AggregateAction>;
type IdParams = { aggregate_id: string };

/**
 * /os-aggregates: host aggregates and their metadata; `availability_zone` metadata puts the aggregate's hosts in
 * that zone (the scheduler and os-availability-zone read it), one zone per host. Not mirrored to Placement.
 */
export function aggregateRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const db = deps.db;
  const full = async (row: AggregateRow, mv: Parameters<typeof aggregateView>[2]) =>
    aggregateView(row, (await aggregateDetails(db, [row.id]))(row.id), mv);
  const nameTaken = async (name: string, except?: number) => {
    let q = db.selectFrom('aggregates').select('id').where('name', '=', name);
    if (except !== undefined) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst()) throw conflict(`Aggregate ${name} already exists.`);
  };
  const checkZoneName = (zone: string | null | undefined) => {
    if (zone === INTERNAL_ZONE) throw badRequest(`Aggregates cannot have the availability zone '${INTERNAL_ZONE}'.`);
  };
  const setZone = async (row: AggregateRow, zone: string | null) => {
    const hosts = (await aggregateDetails(db, [row.id]))(row.id).hosts;
    if (zone !== null) await checkHostZones(db, row.id, hosts, zone, 'update');
    await db
      .deleteFrom('aggregate_metadata')
      .where('aggregate_id', '=', row.id)
      .where('key', '=', 'availability_zone')
      .execute();
    if (zone !== null)
      await db
        .insertInto('aggregate_metadata')
        .values({ aggregate_id: row.id, key: 'availability_zone', value: zone })
        .execute();
  };
  const touch = async (row: AggregateRow) => {
    const updated_at = new Date().toISOString();
    await db.updateTable('aggregates').set({ updated_at }).where('id', '=', row.id).execute();
    return { ...row, updated_at };
  };

  app.get('/v2.1/os-aggregates', async (req) => {
    enforceNova(req, 'os_compute_api:os-aggregates:index', {});
    const rows = await db.selectFrom('aggregates').selectAll().orderBy('id').execute();
    const details = await aggregateDetails(
      db,
      rows.map((r) => r.id),
    );
    return { aggregates: rows.map((r) => aggregateView(r, details(r.id), req.microversion)) };
  });

  app.post<{ Body: AggregateCreate }>('/v2.1/os-aggregates', { schema: { body: AggregateCreate } }, async (req) => {
    enforceNova(req, 'os_compute_api:os-aggregates:create', {});
    const { name, availability_zone } = req.body.aggregate;
    checkName('name', name);
    checkZoneName(availability_zone);
    await nameTaken(name);
    const now = new Date().toISOString();
    const uuid = randomUUID();
    await db
      .insertInto('aggregates')
      .values({ uuid, name, created_at: now, updated_at: null } as AggregateRow)
      .execute();
    const row = await db.selectFrom('aggregates').selectAll().where('uuid', '=', uuid).executeTakeFirstOrThrow();
    if (availability_zone) await setZone(row, availability_zone);
    const details = (await aggregateDetails(db, [row.id]))(row.id);
    return { aggregate: aggregateView(row, details, req.microversion, true) };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-aggregates/:aggregate_id', async (req) => {
    enforceNova(req, 'os_compute_api:os-aggregates:show', {});
    return { aggregate: await full(await findAggregate(db, req.params.aggregate_id), req.microversion) };
  });

  app.put<{ Params: IdParams; Body: AggregateUpdate }>(
    '/v2.1/os-aggregates/:aggregate_id',
    { schema: { body: AggregateUpdate } },
    async (req) => {
      enforceNova(req, 'os_compute_api:os-aggregates:update', {});
      let row = await findAggregate(db, req.params.aggregate_id);
      const { name, availability_zone } = req.body.aggregate;
      if (name !== undefined) {
        checkName('name', name);
        await nameTaken(name, row.id);
        await db.updateTable('aggregates').set({ name }).where('id', '=', row.id).execute();
        row = { ...row, name };
      }
      if (availability_zone !== undefined) {
        checkZoneName(availability_zone);
        await setZone(row, availability_zone);
      }
      return { aggregate: await full(await touch(row), req.microversion) };
    },
  );

  app.delete<{ Params: IdParams }>('/v2.1/os-aggregates/:aggregate_id', async (req, reply) => {
    enforceNova(req, 'os_compute_api:os-aggregates:delete', {});
    const row = await findAggregate(db, req.params.aggregate_id);
    const { hosts } = (await aggregateDetails(db, [row.id]))(row.id);
    if (hosts.length) throw badRequest(`Cannot delete aggregate ${row.id}. Reason: Host aggregate is not empty.`);
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('aggregate_metadata').where('aggregate_id', '=', row.id).execute();
      await trx.deleteFrom('aggregates').where('id', '=', row.id).execute();
    });
    return reply.code(200).send();
  });

  app.post<{ Params: IdParams; Body: AggregateAction }>(
    '/v2.1/os-aggregates/:aggregate_id/action',
    { schema: { body: AggregateAction } },
    async (req) => {
      const body = req.body;
      const action = Object.keys(body)[0] as 'add_host' | 'remove_host' | 'set_metadata';
      enforceNova(req, `os_compute_api:os-aggregates:${action}`, {});
      const row = await findAggregate(db, req.params.aggregate_id);
      const details = (await aggregateDetails(db, [row.id]))(row.id);
      if (body.add_host || body.remove_host) {
        const host = (body.add_host ?? body.remove_host)?.host as string;
        const known = await db
          .selectFrom('compute_services')
          .select('id')
          .where('host', '=', host)
          .where('binary', '=', 'nova-compute')
          .executeTakeFirst();
        if (!known) throw notFound(`Compute host ${host} could not be found.`);
        if (body.add_host) {
          if (details.hosts.includes(host)) throw conflict(`Aggregate ${row.id} already has host ${host}.`);
          await checkHostZones(db, row.id, [host], details.metadata.availability_zone, 'add');
          await db.insertInto('aggregate_hosts').values({ aggregate_id: row.id, host }).execute();
        } else {
          if (!details.hosts.includes(host)) throw notFound(`Aggregate ${row.id} has no host ${host}.`);
          await db.deleteFrom('aggregate_hosts').where('aggregate_id', '=', row.id).where('host', '=', host).execute();
        }
      } else if (body.set_metadata) {
        const metadata = body.set_metadata.metadata as Record<string, string | null>;
        if ('availability_zone' in metadata) {
          checkZoneName(metadata.availability_zone);
          await setZone(row, metadata.availability_zone);
        }
        await db.transaction().execute(async (trx) => {
          for (const [key, value] of Object.entries(metadata)) {
            if (key === 'availability_zone') continue;
            await trx
              .deleteFrom('aggregate_metadata')
              .where('aggregate_id', '=', row.id)
              .where('key', '=', key)
              .execute();
            if (value !== null)
              await trx.insertInto('aggregate_metadata').values({ aggregate_id: row.id, key, value }).execute();
          }
        });
      }
      return { aggregate: await full(await touch(row), req.microversion) };
    },
  );
}
