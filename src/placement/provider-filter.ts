import { inventoriesByProvider, refusal, usageByProvider } from './capacity.ts';
import type { MemberOfSpec, TraitSpec } from './query-params.ts';
import { aggregatesByProvider } from './store/aggregates.ts';
import { allProviders } from './store/providers.ts';
import { traitsByProvider } from './store/traits.ts';
import type { InventoryRow, PlacementDb, ProviderRow } from './tables.ts';

export interface ProviderFilter {
  name?: string;
  uuid?: string;
  /** Capacity for each amount, within the inventory's unit constraints. */
  resources?: Record<string, number>;
  required?: TraitSpec;
  memberOf?: MemberOfSpec;
  /** Providers in the same tree as this one. */
  inTree?: string;
}

/** The providers that pass every filter, with what the candidate and summary code reads next. */
export interface Matched {
  providers: ProviderRow[];
  inventories: Map<string, Map<string, InventoryRow>>;
  usage: Map<string, Map<string, number>>;
  traits: Map<string, Set<string>>;
}

/**
 * Filters in memory: a cloud has as many providers as hosts (hundreds at most), and one read of each table
 * costs less than a join per filter. Read inside the caller's snapshot so capacity and usage agree.
 */
export async function matchProviders(db: PlacementDb, f: ProviderFilter): Promise<Matched> {
  let providers = await allProviders(db);
  if (f.name !== undefined) providers = providers.filter((p) => p.name === f.name);
  if (f.uuid !== undefined) providers = providers.filter((p) => p.uuid === f.uuid);
  if (f.inTree !== undefined) {
    const root =
      providers.find((p) => p.uuid === f.inTree)?.root_provider_uuid ??
      (
        await db
          .selectFrom('placement_resource_providers')
          .select('root_provider_uuid')
          .where('uuid', '=', f.inTree)
          .executeTakeFirst()
      )?.root_provider_uuid;
    providers = root ? providers.filter((p) => p.root_provider_uuid === root) : [];
  }
  const traits = await traitsByProvider(db);
  if (f.required) {
    const spec = f.required;
    providers = providers.filter((p) => {
      const has = traits.get(p.uuid) ?? new Set<string>();
      return (
        spec.all.every((t) => has.has(t)) &&
        !spec.forbidden.some((t) => has.has(t)) &&
        spec.anyOf.every((group) => group.some((t) => has.has(t)))
      );
    });
  }
  if (f.memberOf) {
    const spec = f.memberOf;
    const aggs = await aggregatesByProvider(db);
    providers = providers.filter((p) => {
      const mine = aggs.get(p.uuid) ?? new Set<string>();
      return spec.anyOf.every((group) => group.some((a) => mine.has(a))) && !spec.forbidden.some((a) => mine.has(a));
    });
  }
  const uuids = providers.map((p) => p.uuid);
  const inventories = await inventoriesByProvider(db, uuids);
  const usage = await usageByProvider(db, uuids);
  if (f.resources) {
    const wanted = Object.entries(f.resources);
    providers = providers.filter((p) =>
      wanted.every(([rc, amount]) => {
        const inv = inventories.get(p.uuid)?.get(rc);
        return inv !== undefined && refusal(inv, usage.get(p.uuid)?.get(rc) ?? 0, amount) === undefined;
      }),
    );
  }
  return { providers, inventories, usage, traits };
}
