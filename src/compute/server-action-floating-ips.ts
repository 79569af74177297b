import { badRequest } from './errors.ts';
import { addFloatingIp, removeFloatingIp } from './floating-ip-actions.ts';
import { type ActionCall, type ActionSpec, accepted, bodyObject, onlyKeys } from './server-action-context.ts';

function floatingIpBody(call: ActionCall, action: string, keys: string[]): { address: string; fixed_address?: string } {
  const body = bodyObject(call, action);
  onlyKeys(action, body, keys);
  if (typeof body.address !== 'string' || body.address === '')
    throw badRequest(`Invalid input for field/attribute ${action}. 'address' is a required property`);
  if (body.fixed_address !== undefined && typeof body.fixed_address !== 'string')
    throw badRequest(`Invalid input for field/attribute fixed_address. Value: ${String(body.fixed_address)}.`);
  return body as { address: string; fixed_address?: string };
}

/** For POST /servers/{id}/action: the floating IP association of the ≤ 2.43 API, through Networking. */
export const floatingIpActions: Record<string, ActionSpec> = {
  addFloatingIp: {
    policy: 'os_compute_api:os-floating-ips:add',
    // Nova removed both floating IP actions at 2.44.
    versions: { max: '2.43' },
    handle: async (call) => {
      await addFloatingIp(
        call.deps,
        call.req,
        call.row,
        floatingIpBody(call, 'addFloatingIp', ['address', 'fixed_address']),
      );
      return accepted(call);
    },
  },
  removeFloatingIp: {
    policy: 'os_compute_api:os-floating-ips:remove',
    versions: { max: '2.43' },
    handle: async (call) => {
      await removeFloatingIp(call.deps, call.req, call.row, floatingIpBody(call, 'removeFloatingIp', ['address']));
      return accepted(call);
    },
  },
};
