import { entryOf } from './map-entry.ts';
import type { InventoryRow, PlacementDb } from './tables.ts';

/** What a provider can hand out of a class: Placement's int((total - reserved) * allocation_ratio). */
export function capacityOf(inv: Pick<InventoryRow, 'total' | 'reserved' | 'allocation_ratio'>): number {
  return Math.floor((inv.total - inv.reserved) * inv.allocation_ratio);
}

/** Why an amount cannot come out of this inventory, or undefined when it can. */
export function refusal(inv: InventoryRow, used: number, amount: number): 'capacity' | 'constraints' | undefined {
  if (amount < inv.min_unit || amount > inv.max_unit || amount % inv.step_size !== 0) return 'constraints';
  if (used + amount > capacityOf(inv)) return 'capacity';
  return undefined;
}

/** Used amounts per provider and class: `usage.get(rp)?.get(rc)`. Without `rpUuids`, of every provider. */
export async function usageByProvider(
  db: PlacementDb,
  rpUuids?: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (rpUuids && rpUuids.length === 0) return out;
  let q = db
    .selectFrom('placement_allocations')
    .select(['rp_uuid', 'resource_class', (eb) => eb.fn.sum<number>('used').as('used')])
    .groupBy(['rp_uuid', 'resource_class']);
  if (rpUuids) q = q.where('rp_uuid', 'in', rpUuids);
  for (const r of await q.execute()) {
    entryOf(out, r.rp_uuid, () => new Map<string, number>()).set(r.resource_class, Number(r.used));
  }
  return out;
}

/** Inventories per provider: `inventories.get(rp)?.get(rc)`. */
export async function inventoriesByProvider(
  db: PlacementDb,
  rpUuids?: readonly string[],
): Promise<Map<string, Map<string, InventoryRow>>> {
  const out = new Map<string, Map<string, InventoryRow>>();
  if (rpUuids && rpUuids.length === 0) return out;
  let q = db.selectFrom('placement_inventories').selectAll().orderBy('resource_class');
  if (rpUuids) q = q.where('rp_uuid', 'in', rpUuids);
  for (const r of await q.execute()) {
    entryOf(out, r.rp_uuid, () => new Map<string, InventoryRow>()).set(r.resource_class, r);
  }
  return out;
}
