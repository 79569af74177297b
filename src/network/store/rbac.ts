import { randomUUID } from 'node:crypto';
import { conflict } from '../errors.ts';
import { isoNow } from '../standard-attrs.ts';
import type { NetworkDb } from '../tables.ts';

/** `shared: true` is an RBAC policy sharing the network with '*', as in Neutron. */
export async function shareWithEveryone(db: NetworkDb, networkId: string, projectId: string): Promise<void> {
  await insertWildcard(db, networkId, projectId, 'access_as_shared');
}

export async function unshareWithEveryone(db: NetworkDb, networkId: string): Promise<void> {
  await db
    .deleteFrom('network_rbacs')
    .where('object_type', '=', 'network')
    .where('object_id', '=', networkId)
    .where('action', '=', 'access_as_shared')
    .where('target_project', '=', '*')
    .execute();
}

/**
 * `router:external: true` through the network API is an `access_as_external` policy for '*' (Neutron's
 * _process_l3_create/update); `false` removes every `access_as_external` policy of the network, refused while
 * router gateways use it (409 ExternalNetworkInUse).
 */
export async function makeExternal(db: NetworkDb, networkId: string, projectId: string): Promise<void> {
  await insertWildcard(db, networkId, projectId, 'access_as_external');
}

export async function makeInternal(db: NetworkDb, networkId: string): Promise<void> {
  const gateway = await db
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('device_owner', '=', 'network:router_gateway')
    .executeTakeFirst();
  if (gateway)
    throw conflict(
      'ExternalNetworkInUse',
      `External network ${networkId} cannot be updated to be non-external, since it has existing gateway ports.`,
    );
  await db
    .deleteFrom('network_rbacs')
    .where('object_type', '=', 'network')
    .where('object_id', '=', networkId)
    .where('action', '=', 'access_as_external')
    .execute();
}

async function insertWildcard(
  db: NetworkDb,
  networkId: string,
  projectId: string,
  action: 'access_as_shared' | 'access_as_external',
): Promise<void> {
  const now = isoNow();
  await db
    .insertInto('network_rbacs')
    .values({
      id: randomUUID(),
      project_id: projectId,
      object_type: 'network',
      object_id: networkId,
      action,
      target_project: '*',
      created_at: now,
      updated_at: now,
    })
    .execute();
}
