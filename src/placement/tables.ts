import type { Kysely } from 'kysely';

/**
 * Placement's tables; only files under src/placement name them. Every name starts with `placement_` because
 * the database is shared with the other services. Standard resource classes and traits are constants
 * (standard-names.ts); only CUSTOM_* ones are rows.
 */
export interface PlacementTables {
  placement_resource_providers: ProviderRow;
  placement_inventories: InventoryRow;
  placement_consumers: ConsumerRow;
  placement_allocations: AllocationRow;
  placement_resource_classes: { name: string; created_at: string };
  placement_traits: { name: string; created_at: string };
  placement_rp_traits: { rp_uuid: string; trait: string };
  placement_rp_aggregates: { rp_uuid: string; aggregate_uuid: string };
}

export type PlacementDb = Kysely<PlacementTables>;

export interface ProviderRow {
  uuid: string;
  name: string;
  /** Bumped by every change of inventory, allocations, traits or aggregates (1.19); clients send it back. */
  generation: number;
  parent_provider_uuid: string | null;
  root_provider_uuid: string;
  created_at: string;
  updated_at: string;
}

export interface InventoryRow {
  rp_uuid: string;
  resource_class: string;
  total: number;
  reserved: number;
  min_unit: number;
  max_unit: number;
  step_size: number;
  allocation_ratio: number;
}

export interface ConsumerRow {
  uuid: string;
  project_id: string;
  user_id: string;
  /** 1.28's consumer_generation: bumped by every allocation write of this consumer. */
  generation: number;
  consumer_type: string | null;
  created_at: string;
  updated_at: string;
}

export interface AllocationRow {
  consumer_uuid: string;
  rp_uuid: string;
  resource_class: string;
  used: number;
  created_at: string;
}
