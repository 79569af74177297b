import { expressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Caller } from '../access.ts';
import type { NetworkDb, NetworkTables, RbacRow } from '../tables.ts';

type ObjectType = RbacRow['object_type'];

/** The `access_as_shared` policies on objects of a type that reach the caller's project, by name or by '*'. */
function sharedToCaller<O>(
  q: SelectQueryBuilder<NetworkTables, 'network_rbacs', O>,
  objectType: ObjectType,
  caller: Caller,
): SelectQueryBuilder<NetworkTables, 'network_rbacs', O> {
  return q
    .where('network_rbacs.object_type', '=', objectType)
    .where('network_rbacs.action', '=', 'access_as_shared')
    .where('network_rbacs.target_project', 'in', [caller.projectId, '*']);
}

/** A subquery of the ids of the objects of a type an RBAC policy shares with the caller (for `in` / `not in`). */
export function sharedObjectIds(objectType: ObjectType, caller: Caller) {
  const q = expressionBuilder<NetworkTables>().selectFrom('network_rbacs').select('network_rbacs.object_id');
  return sharedToCaller(q, objectType, caller);
}

/** Which of `ids` an RBAC policy shares with the caller's project (what `shared` shows them). */
export async function sharedAmong(
  db: NetworkDb,
  caller: Caller,
  objectType: ObjectType,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const q = db.selectFrom('network_rbacs').select('network_rbacs.object_id');
  const rows = await sharedToCaller(q, objectType, caller).where('network_rbacs.object_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.object_id));
}
