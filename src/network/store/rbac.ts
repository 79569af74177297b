import { randomUUID } from 'node:crypto';
import { isoNow } from '../standard-attrs.ts';
import type { NetworkDb } from '../tables.ts';

/** `shared: true` is an RBAC policy sharing the network with '*', as in Neutron. */
export async function shareWithEveryone(db: NetworkDb, networkId: string, projectId: string): Promise<void> {
  const now = isoNow();
  await db
    .insertInto('network_rbacs')
    .values({
      id: randomUUID(),
      project_id: projectId,
      object_type: 'network',
      object_id: networkId,
      action: 'access_as_shared',
      target_project: '*',
      created_at: now,
      updated_at: now,
    })
    .execute();
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
