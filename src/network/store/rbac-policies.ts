import type { Kysely } from 'kysely';
import type { NetworkDeps } from '../deps.ts';
import { hasTable } from '../installed-tables.ts';
import type { NetworkDb, RbacRow } from '../tables.ts';
import { bumpNetworkRevision } from './networks.ts';

/**
 * What RBAC policies do to the objects they name: the network columns that mirror a policy for every project
 * ('*'), and Neutron's check that a project losing access to a network has no ports left on it.
 */

/** The objects an RBAC policy may name: their table, the actions allowed, and the column a '*' share mirrors. */
export const RBAC_OBJECTS: Record<string, { table: string; actions: string[] }> = {
  network: { table: 'networks', actions: ['access_as_shared', 'access_as_external'] },
};

/**
 * `networks.shared` says whether a '*' `access_as_shared` policy exists; `networks.external` whether any
 * `access_as_external` policy does (Neutron turns a network external on the first and back on the last).
 * Either way the network's revision moves, as Neutron's RBAC entries revise their network.
 */
export async function mirrorWildcard(db: NetworkDb, row: Pick<RbacRow, 'object_type' | 'object_id' | 'action'>) {
  if (row.object_type !== 'network') return;
  const external = row.action === 'access_as_external';
  let q = db
    .selectFrom('network_rbacs')
    .select('id')
    .where('object_type', '=', 'network')
    .where('object_id', '=', row.object_id)
    .where('action', '=', row.action);
  if (!external) q = q.where('target_project', '=', '*');
  const found = await q.executeTakeFirst();
  await db
    .updateTable('networks')
    .set({ [external ? 'external' : 'shared']: found ? 1 : 0 })
    .where('id', '=', row.object_id)
    .execute();
  await bumpNetworkRevision(db, row.object_id);
}

/**
 * Whether changing an `access_as_external` policy (deleting it, or retargeting it to `newProject`) would cut
 * off a router whose gateway is on the network (Neutron's _validate_ext_not_in_use_by_project).
 */
export async function externalInUse(
  db: NetworkDb,
  deps: NetworkDeps,
  policy: Pick<RbacRow, 'object_id' | 'target_project'>,
  newProject?: string,
): Promise<boolean> {
  if (!(await hasTable(db, deps, 'routers'))) return false;
  const policies = await db
    .selectFrom('network_rbacs')
    .select('target_project')
    .where('object_type', '=', 'network')
    .where('object_id', '=', policy.object_id)
    .where('action', '=', 'access_as_external')
    .execute();
  const targets = policies.map((p) => p.target_project);
  const routers = db.selectFrom('routers').select('id').where('gw_network_id', '=', policy.object_id);
  if (policy.target_project !== '*') {
    if (targets.includes('*')) return false;
    return (await routers.where('project_id', '=', policy.target_project).executeTakeFirst()) !== undefined;
  }
  const allowed = [...targets.filter((t) => t !== '*'), ...(newProject ? [newProject] : [])];
  const q = allowed.length ? routers.where('project_id', 'not in', allowed) : routers;
  return (await q.executeTakeFirst()) !== undefined;
}

/**
 * Whether `project` losing its `access_as_shared` policy on the network leaves ports of a project that no
 * other policy lets in (Neutron's ensure_no_tenant_ports_on_network). The owner's own ports never count.
 */
export async function portsWouldLoseAccess(
  db: NetworkDb,
  deps: NetworkDeps,
  networkId: string,
  ownerProject: string,
  policyId: string,
  project: string,
): Promise<boolean> {
  if (project === ownerProject || !(await hasTable(db, deps, 'ports'))) return false;
  const others = await db
    .selectFrom('network_rbacs')
    .select('target_project')
    .where('object_type', '=', 'network')
    .where('object_id', '=', networkId)
    .where('action', '=', 'access_as_shared')
    .where('id', '!=', policyId)
    .execute();
  const stillAllowed = new Set([ownerProject, ...others.map((r) => r.target_project)]);
  if (stillAllowed.has('*')) return false;
  // biome-ignore lint/suspicious/noExplicitAny: the ports table belongs to the ports family.
  let q = (db as Kysely<any>).selectFrom('ports').select('id').where('network_id', '=', networkId);
  q = project === '*' ? q.where('project_id', 'not in', [...stillAllowed]) : q.where('project_id', '=', project);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}
