import type { Caller } from './access.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { prefixesIntersect } from './subnetpool-view.ts';
import type { NetworkDb } from './tables.ts';

/**
 * Neutron's rules for putting a subnet pool in an address scope: the caller must see the scope (404), own it or
 * be admin (a shared scope of another project is 400: Strata does not offer rbac-address-scope, so the
 * pre-RBAC rule holds), its IP version must match, and no other pool in the scope may share an address (409).
 */
export async function checkScopeAssociation(
  trx: NetworkDb,
  caller: Caller,
  scopeId: string,
  pool: { id: string; version: number; prefixes: string[] },
): Promise<void> {
  const scope = await trx.selectFrom('address_scopes').selectAll().where('id', '=', scopeId).executeTakeFirst();
  if (!scope || !(caller.isAdmin || scope.shared || scope.project_id === caller.projectId))
    throw notFound('address_scope', scopeId);
  if (!caller.isAdmin && scope.project_id !== caller.projectId)
    throw badRequest(
      `Illegal subnetpool association: subnetpool ${pool.id} cannot be associated with address scope ${scopeId}.`,
      'IllegalSubnetPoolAssociationToAddressScope',
    );
  if (scope.ip_version !== pool.version)
    throw badRequest(
      `Invalid input for operation: Illegal subnetpool association: subnetpool cannot be associated with address scope ${scopeId} because subnetpool ip_version is not ${scope.ip_version}.`,
      'IllegalSubnetPoolIpVersionAssociationWithAddressScope',
    );
  const others = await trx
    .selectFrom('subnetpool_prefixes')
    .innerJoin('subnetpools', 'subnetpools.id', 'subnetpool_prefixes.subnetpool_id')
    .select('subnetpool_prefixes.cidr')
    .where('subnetpools.address_scope_id', '=', scopeId)
    .where('subnetpools.id', '!=', pool.id)
    .execute();
  if (
    prefixesIntersect(
      pool.prefixes,
      others.map((o) => o.cidr),
    )
  )
    throw conflict(
      'AddressScopePrefixConflict',
      'Failed to associate address scope: subnetpools within an address scope must have unique prefixes.',
    );
}

/** A pool in a scope its caller does not own (a shared one) is not theirs to change (Neutron: 400). */
export async function checkPoolUpdateAllowed(
  trx: NetworkDb,
  caller: Caller,
  poolId: string,
  scopeId: string,
): Promise<void> {
  if (caller.isAdmin) return;
  const scope = await trx
    .selectFrom('address_scopes')
    .select('project_id')
    .where('id', '=', scopeId)
    .executeTakeFirst();
  if (scope && scope.project_id !== caller.projectId)
    throw badRequest(
      `Illegal subnetpool update : subnetpool ${poolId} cannot be updated when associated with shared address scope ${scopeId}.`,
      'IllegalSubnetPoolUpdate',
    );
}
