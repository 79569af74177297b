import { badRequest, conflict, notFound } from './errors.ts';
import { checkState } from './instance-state.ts';
import { systemMetadataOf, updateInstance } from './instance-store.ts';
import { actionContextOf } from './server-access.ts';
import { type ActionCall, type ActionSpec, accepted, bodyObject, onlyKeys } from './server-action-context.ts';
import { SECURITY_GROUPS_KEY } from './server-view.ts';

interface NeutronSecurityGroup {
  id: string;
  name: string;
}

/** The security group `nameOrId` as the caller sees it in the server's project (Nova's 404 otherwise). */
async function findSecurityGroup(call: ActionCall, nameOrId: string): Promise<NeutronSecurityGroup> {
  const project = call.row.project_id;
  const q = (k: string) =>
    call.deps.network.request(
      { token: call.caller.token },
      'GET',
      `/v2.0/security-groups?${k}=${encodeURIComponent(nameOrId)}&project_id=${encodeURIComponent(project)}`,
    );
  for (const key of ['id', 'name']) {
    const res = await q(key);
    const groups = (res.body?.security_groups ?? []) as NeutronSecurityGroup[];
    if (res.status === 200 && groups.length > 1)
      throw conflict(`Multiple security_group matches found for name '${nameOrId}', use an ID to be more specific.`);
    if (res.status === 200 && groups.length === 1) return groups[0];
  }
  throw notFound(`Security group ${nameOrId} not found for project ${project}.`);
}

async function changeSecurityGroup(call: ActionCall, action: 'addSecurityGroup' | 'removeSecurityGroup') {
  const body = bodyObject(call, action);
  onlyKeys(action, body, ['name']);
  if (typeof body.name !== 'string' || body.name.trim() === '')
    throw badRequest(`Invalid input for field/attribute name. Value: ${JSON.stringify(body.name)}.`);
  const group = await findSecurityGroup(call, body.name);
  const net = call.deps.network;
  const ports = await net.request({}, 'GET', `/v2.0/ports?device_id=${call.row.uuid}`);
  const list = (ports.body?.ports ?? []) as {
    id: string;
    security_groups: string[];
    port_security_enabled?: boolean;
  }[];
  if (list.length === 0) throw notFound(`instance_id ${call.row.uuid} could not be found as device id on any ports`);
  let changed = 0;
  for (const port of list) {
    const has = port.security_groups.includes(group.id);
    if (action === 'addSecurityGroup' && has) continue;
    if (action === 'removeSecurityGroup' && !has) continue;
    if (action === 'addSecurityGroup' && port.port_security_enabled === false)
      throw badRequest('Cannot add security group to a port with port security disabled.');
    const next =
      action === 'addSecurityGroup'
        ? [...port.security_groups, group.id]
        : port.security_groups.filter((g) => g !== group.id);
    const res = await net.request({}, 'PUT', `/v2.0/ports/${port.id}`, { port: { security_groups: next } });
    if (res.status >= 400) throw badRequest(res.body?.NeutronError?.message ?? 'Could not update the port.');
    changed++;
  }
  if (action === 'removeSecurityGroup' && changed === 0)
    throw badRequest(`Security group ${body.name} not associated with the instance ${call.row.uuid}`);
  const sys = (await systemMetadataOf(call.deps.db, [call.row.uuid])).get(call.row.uuid) ?? {};
  const names = new Set<string>(JSON.parse(sys[SECURITY_GROUPS_KEY] ?? '[]'));
  if (action === 'addSecurityGroup') names.add(group.name);
  else names.delete(group.name);
  await call.deps.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('instance_system_metadata')
      .where('instance_uuid', '=', call.row.uuid)
      .where('key', '=', SECURITY_GROUPS_KEY)
      .execute();
    await trx
      .insertInto('instance_system_metadata')
      .values({ instance_uuid: call.row.uuid, key: SECURITY_GROUPS_KEY, value: JSON.stringify([...names]) })
      .execute();
  });
  return accepted(call);
}

export const miscActions: Record<string, ActionSpec> = {
  addSecurityGroup: {
    policy: 'os_compute_api:os-security-groups:add',
    handle: (c) => changeSecurityGroup(c, 'addSecurityGroup'),
  },
  removeSecurityGroup: {
    policy: 'os_compute_api:os-security-groups:remove',
    handle: (c) => changeSecurityGroup(c, 'removeSecurityGroup'),
  },
  // Nova force-deletes in any vm_state once no task runs.
  forceDelete: {
    policy: 'os_compute_api:os-deferred-delete:force',
    lock: true,
    handle: async (call) => {
      if (call.row.task_state !== null)
        throw conflict(
          `Cannot 'forceDelete' instance ${call.row.uuid} while it is in task_state ${call.row.task_state}`,
        );
      await call.deps.conductor.destroy(actionContextOf(call.caller), call.row.uuid, { force: true });
      return accepted(call);
    },
  },
  // Soft delete is off (reclaim_instance_interval 0), so nothing is soft-deleted: restore answers Nova's 409.
  restore: {
    policy: 'os_compute_api:os-deferred-delete:restore',
    lock: true,
    handle: async (call) => {
      checkState('restore', call.row);
      await updateInstance(call.deps.db, call.row.uuid, { vm_state: 'active', task_state: null, deleted_at: null });
      return accepted(call);
    },
  },
};
