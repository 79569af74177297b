import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import { isoNow } from '../standard-attrs.ts';
import type { NetworkRow, NetworkTables } from '../tables.ts';
import { sharedAmong } from './rbac-shared.ts';

type Db = Kysely<NetworkTables>;

/**
 * Networks the caller may see: their own, and those an RBAC policy (shared or external) opens to their project
 * or to everyone; an admin sees all. Neutron answers 404 for the rest, as if they did not exist. An external
 * network is visible only through its `access_as_external` policies, which `router:external` maintains.
 */
export function visibleNetworks(db: Db, caller: Caller): SelectQueryBuilder<NetworkTables, 'networks', NetworkRow> {
  const q = db.selectFrom('networks').selectAll('networks');
  if (caller.isAdmin) return q;
  return q.where((eb) =>
    eb.or([
      eb('networks.project_id', '=', caller.projectId),
      eb('networks.shared', '=', 1),
      eb(
        'networks.id',
        'in',
        eb
          .selectFrom('network_rbacs')
          .select('object_id')
          .where('object_type', '=', 'network')
          .where('target_project', 'in', [caller.projectId, '*']),
      ),
    ]),
  );
}

export async function findVisibleNetwork(db: Db, caller: Caller, id: string): Promise<NetworkRow | undefined> {
  return visibleNetworks(db, caller).where('networks.id', '=', id).executeTakeFirst();
}

/** Whether the network is shared with the caller's project by an RBAC policy (what `shared` shows them). */
export function sharedWith(db: Db, caller: Caller, ids: readonly string[]): Promise<Set<string>> {
  return sharedAmong(db, caller, 'network', ids);
}

export async function insertNetwork(db: Db, row: NetworkRow): Promise<void> {
  await db.insertInto('networks').values(row).execute();
}

export async function updateNetwork(db: Db, id: string, changes: Partial<NetworkRow>): Promise<void> {
  await db.updateTable('networks').set(changes).where('id', '=', id).execute();
}

export async function deleteNetworkRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('network_rbacs').where('object_type', '=', 'network').where('object_id', '=', id).execute();
  await db.deleteFrom('network_tags').where('resource_type', '=', 'network').where('resource_id', '=', id).execute();
  await db.deleteFrom('networks').where('id', '=', id).execute();
}

/** Neutron bumps a network's revision when its RBAC policies or subnets change (revises_on_change). */
export async function bumpNetworkRevision(db: Db, id: string): Promise<void> {
  await db
    .updateTable('networks')
    .set((eb) => ({ revision_number: eb('revision_number', '+', 1), updated_at: isoNow() }))
    .where('id', '=', id)
    .execute();
}
