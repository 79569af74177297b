import type { Kysely } from 'kysely';
import type { Caller } from './access.ts';
import type { NetworkDeps } from './deps.ts';
import { hasTable } from './installed-tables.ts';
import type { StandardColumns } from './standard-attrs.ts';
import { findVisibleNetwork, visibleNetworks } from './store/networks.ts';
import type { NetworkDb } from './tables.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tagged tables belong to several families, some not yet installed.
type AnyDb = Kysely<any>;

/** A resource with tags: what `/v2.0/<collection>/<id>/tags` needs to find it and check the caller. */
export interface Taggable {
  /** URL collection (`security-groups`). */
  collection: string;
  /** Member name: `network_tags.resource_type` and the policy rules' `<action>_<member>:tags`. */
  member: string;
  table: string;
  /** The row when the caller may see it; Neutron answers 404 for the rest. */
  find(db: NetworkDb, caller: Caller, id: string): Promise<TaggedRow | undefined>;
}

export type TaggedRow = StandardColumns & Record<string, unknown>;

/** Owned rows only (an admin sees all): routers, floating IPs, security groups. */
const owned =
  (table: string) =>
  async (db: NetworkDb, caller: Caller, id: string): Promise<TaggedRow | undefined> => {
    let q = (db as AnyDb).selectFrom(table).selectAll().where('id', '=', id);
    if (!caller.isAdmin) q = q.where('project_id', '=', caller.projectId);
    return (await q.executeTakeFirst()) as TaggedRow | undefined;
  };

/** Owned or shared (`shared` column): subnet pools and address scopes. */
const ownedOrShared =
  (table: string) =>
  async (db: NetworkDb, caller: Caller, id: string): Promise<TaggedRow | undefined> => {
    let q = (db as AnyDb).selectFrom(table).selectAll().where('id', '=', id);
    if (!caller.isAdmin) q = q.where((eb) => eb.or([eb('project_id', '=', caller.projectId), eb('shared', '=', 1)]));
    return (await q.executeTakeFirst()) as TaggedRow | undefined;
  };

/** Rows on a network the caller may see (subnets), or owns (ports: the network owner sees every port on it). */
const onNetwork =
  (table: string, networkMust: 'visible' | 'owned') =>
  async (db: NetworkDb, caller: Caller, id: string): Promise<TaggedRow | undefined> => {
    let q = (db as AnyDb).selectFrom(table).selectAll().where('id', '=', id);
    if (!caller.isAdmin) {
      const nets =
        networkMust === 'visible'
          ? visibleNetworks(db, caller).clearSelect().select('networks.id')
          : db.selectFrom('networks').select('networks.id').where('networks.project_id', '=', caller.projectId);
      q = q.where((eb) => eb.or([eb('project_id', '=', caller.projectId), eb('network_id', 'in', nets)]));
    }
    return (await q.executeTakeFirst()) as TaggedRow | undefined;
  };

/** Neutron's taggable resources (standard-attr-tag) that Strata has; add a line when a family is added. */
export const TAGGABLE: readonly Taggable[] = [
  {
    collection: 'networks',
    member: 'network',
    table: 'networks',
    find: (db, caller, id) => findVisibleNetwork(db, caller, id) as Promise<TaggedRow | undefined>,
  },
  { collection: 'subnets', member: 'subnet', table: 'subnets', find: onNetwork('subnets', 'visible') },
  { collection: 'ports', member: 'port', table: 'ports', find: onNetwork('ports', 'owned') },
  { collection: 'subnetpools', member: 'subnetpool', table: 'subnetpools', find: ownedOrShared('subnetpools') },
  {
    collection: 'address-scopes',
    member: 'address_scope',
    table: 'address_scopes',
    find: ownedOrShared('address_scopes'),
  },
  { collection: 'routers', member: 'router', table: 'routers', find: owned('routers') },
  { collection: 'floatingips', member: 'floatingip', table: 'floatingips', find: owned('floatingips') },
  {
    collection: 'security-groups',
    member: 'security_group',
    table: 'security_groups',
    find: owned('security_groups'),
  },
];

/** Whether the family behind `t` is installed (its migration ran). */
export function isInstalled(db: NetworkDb, deps: NetworkDeps, t: Taggable): Promise<boolean> {
  return hasTable(db, deps, t.table);
}
