import { setTimeout as sleep } from 'node:timers/promises';
import { isUniqueViolation } from '../core/db/database.ts';
import { refusal } from './capacity.ts';
import type { PlacementDeps } from './deps.ts';
import { badRequest, concurrentUpdate, conflict, notFound } from './errors.ts';
import { now } from './store/providers.ts';
import { resourceClassExists } from './store/resource-classes.ts';
import type { ConsumerRow, InventoryRow, PlacementDb } from './tables.ts';

/** One consumer's wanted allocations: `{rp_uuid: {resource_class: amount}}`; empty removes them all. */
export interface ConsumerAllocations {
  consumer: string;
  allocations: Record<string, Record<string, number>>;
  project_id?: string;
  user_id?: string;
  /** 1.28: the consumer generation the client last saw (null: a new consumer); undefined: not checked. */
  consumer_generation?: number | null;
  consumer_type?: string;
}

/** A lost compare-and-set inside the transaction: the whole write starts again from fresh reads. */
class LostRace extends Error {}

const ATTEMPTS = 10;

/**
 * Replaces the allocations of every listed consumer at once (PUT /allocations/{c} is one consumer, POST
 * /allocations several, which is how a move from a source host to a destination is made atomic). One
 * transaction re-reads usage after dropping the consumers' old allocations, checks every new amount against
 * capacity and the inventory's unit constraints, and bumps the generation of each provider it touched with a
 * compare-and-set. On PostgreSQL the providers are locked (FOR UPDATE, in uuid order so two writers cannot
 * deadlock) before usage is read, so a concurrent writer waits and then sees the new usage; on SQLite the single
 * connection serializes transactions. A lost race (a new consumer inserted twice) retries from the start.
 */
export async function writeAllocations(
  deps: PlacementDeps,
  requests: readonly ConsumerAllocations[],
  /** Runs first in the same transaction (the reshaper's inventory changes). */
  before?: (trx: PlacementDb) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.db.transaction().execute(async (trx) => {
        await before?.(trx);
        await writeOnce(trx, deps.dbKind === 'postgres', requests);
      });
      return;
    } catch (err) {
      const retryable = err instanceof LostRace || isUniqueViolation(err) || isSerializationFailure(err);
      if (!retryable) throw err;
      if (attempt >= ATTEMPTS) throw concurrentUpdate('Failed to update allocations: concurrent update, retry.');
      await sleep(Math.floor(Math.random() * 5 * attempt));
    }
  }
}

/** DELETE /allocations/{c}: 404 when the consumer holds nothing. */
export async function removeAllocations(deps: PlacementDeps, consumer: string): Promise<void> {
  const held = await deps.db
    .selectFrom('placement_allocations')
    .select('rp_uuid')
    .where('consumer_uuid', '=', consumer)
    .executeTakeFirst();
  if (!held) throw notFound(`No allocations for consumer '${consumer}'`);
  await writeAllocations(deps, [{ consumer, allocations: {} }]);
}

const isSerializationFailure = (err: unknown) => ['40001', '40P01'].includes((err as { code?: string })?.code ?? '');

async function writeOnce(trx: PlacementDb, lock: boolean, requests: readonly ConsumerAllocations[]): Promise<void> {
  if (requests.length === 0) return;
  const consumers = requests.map((r) => r.consumer);
  const existing = await trx.selectFrom('placement_consumers').selectAll().where('uuid', 'in', consumers).execute();
  const byUuid = new Map(existing.map((c) => [c.uuid, c]));
  for (const r of requests) checkConsumerGeneration(r, byUuid.get(r.consumer));

  const wanted = new Set(requests.flatMap((r) => Object.keys(r.allocations)));
  const classes = new Set(requests.flatMap((r) => Object.values(r.allocations).flatMap((res) => Object.keys(res))));
  for (const rc of classes)
    if (!(await resourceClassExists(trx, rc))) throw badRequest(`Unknown resource class in allocation: ${rc}`);
  const old = await trx
    .selectFrom('placement_allocations')
    .select('rp_uuid')
    .distinct()
    .where('consumer_uuid', 'in', consumers)
    .execute();
  const touched = [...new Set([...wanted, ...old.map((o) => o.rp_uuid)])].sort();

  // Generations first, usage after: a writer that commits in between makes our compare-and-set fail (and retry)
  // rather than letting us check capacity against usage older than the generation we bump.
  let q = trx.selectFrom('placement_resource_providers').select(['uuid', 'generation']).where('uuid', 'in', touched);
  if (lock) q = q.orderBy('uuid').forUpdate();
  const generations = new Map(touched.length ? (await q.execute()).map((p) => [p.uuid, p.generation]) : []);
  for (const rp of wanted)
    if (!generations.has(rp)) throw badRequest(`Allocation for resource provider '${rp}' that does not exist.`);

  await trx.deleteFrom('placement_allocations').where('consumer_uuid', 'in', consumers).execute();
  await checkCapacity(trx, requests, [...wanted]);

  const ts = now();
  const rows = requests.flatMap((r) =>
    Object.entries(r.allocations).flatMap(([rp_uuid, res]) =>
      Object.entries(res).map(([resource_class, used]) => ({
        consumer_uuid: r.consumer,
        rp_uuid,
        resource_class,
        used,
        created_at: ts,
      })),
    ),
  );
  if (rows.length) await trx.insertInto('placement_allocations').values(rows).execute();
  for (const rp of touched) {
    const gen = generations.get(rp);
    if (gen === undefined) continue;
    const res = await trx
      .updateTable('placement_resource_providers')
      .set({ generation: gen + 1, updated_at: ts })
      .where('uuid', '=', rp)
      .where('generation', '=', gen)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new LostRace();
  }
  for (const r of requests) await saveConsumer(trx, r, byUuid.get(r.consumer), ts);
}

function checkConsumerGeneration(r: ConsumerAllocations, row: ConsumerRow | undefined): void {
  if (r.consumer_generation === undefined) return;
  if (!row && r.consumer_generation !== null)
    throw concurrentUpdate(`consumer generation conflict - expected null but got ${r.consumer_generation}`);
  if (row && r.consumer_generation !== row.generation)
    throw concurrentUpdate(
      `consumer generation conflict - expected ${row.generation} but got ${r.consumer_generation ?? 'None'}`,
    );
}

async function checkCapacity(trx: PlacementDb, requests: readonly ConsumerAllocations[], rps: string[]) {
  if (rps.length === 0) return;
  const inventories = await trx.selectFrom('placement_inventories').selectAll().where('rp_uuid', 'in', rps).execute();
  const inv = new Map<string, InventoryRow>(inventories.map((i) => [`${i.rp_uuid}/${i.resource_class}`, i]));
  const usage = await trx
    .selectFrom('placement_allocations')
    .select(['rp_uuid', 'resource_class', (eb) => eb.fn.sum<number>('used').as('used')])
    .where('rp_uuid', 'in', rps)
    .groupBy(['rp_uuid', 'resource_class'])
    .execute();
  const used = new Map(usage.map((u) => [`${u.rp_uuid}/${u.resource_class}`, Number(u.used)]));
  for (const r of requests)
    for (const [rp, res] of Object.entries(r.allocations))
      for (const [rc, amount] of Object.entries(res)) {
        const key = `${rp}/${rc}`;
        const row = inv.get(key);
        if (!row)
          throw conflict(`Unable to allocate inventory: Inventory for '${rc}' on resource provider '${rp}' invalid.`);
        const already = used.get(key) ?? 0;
        const why = refusal(row, already, amount);
        if (why === 'capacity')
          throw conflict(
            `Unable to allocate inventory: Unable to create allocation for '${rc}' on resource provider '${rp}'. The requested amount would exceed the capacity.`,
          );
        if (why === 'constraints')
          throw conflict(
            `Unable to allocate inventory: Unable to create allocation for '${rc}' on resource provider '${rp}'. The requested amount would violate inventory constraints.`,
          );
        used.set(key, already + amount);
      }
}

async function saveConsumer(trx: PlacementDb, r: ConsumerAllocations, row: ConsumerRow | undefined, ts: string) {
  const empty = Object.keys(r.allocations).length === 0;
  if (empty) {
    // Placement forgets a consumer with no allocations: a later write starts again from generation null.
    if (row) await trx.deleteFrom('placement_consumers').where('uuid', '=', r.consumer).execute();
    return;
  }
  if (!row) {
    await trx
      .insertInto('placement_consumers')
      .values({
        uuid: r.consumer,
        project_id: r.project_id ?? '',
        user_id: r.user_id ?? '',
        generation: 1,
        consumer_type: r.consumer_type ?? null,
        created_at: ts,
        updated_at: ts,
      })
      .execute();
    return;
  }
  const res = await trx
    .updateTable('placement_consumers')
    .set({
      generation: row.generation + 1,
      updated_at: ts,
      ...(r.project_id !== undefined && { project_id: r.project_id }),
      ...(r.user_id !== undefined && { user_id: r.user_id }),
      ...(r.consumer_type !== undefined && { consumer_type: r.consumer_type }),
    })
    .where('uuid', '=', r.consumer)
    .where('generation', '=', row.generation)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new LostRace();
}
