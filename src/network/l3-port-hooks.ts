import { ApiError } from '../core/errors.ts';
import { bumped } from './standard-attrs.ts';
import { FLOATING_IP_OWNER, ROUTER_GATEWAY, ROUTER_INTERFACE } from './store/routers.ts';
import type { NetworkDb, PortRow } from './tables.ts';

/**
 * What port deletion (DELETE /v2.0/ports/{id}) owes the L3 resources, inside its transaction. Neutron refuses to
 * delete a router's or floating IP's port through the port API, and a deleted port's floating IPs become
 * unassociated and its port forwardings go. Returns the routers to notify after commit (`routerChanged`).
 */
export async function beforeL3PortDelete(trx: NetworkDb, port: PortRow, viaPortApi = true): Promise<string[]> {
  if (viaPortApi && [ROUTER_INTERFACE, ROUTER_GATEWAY, FLOATING_IP_OWNER].includes(port.device_owner))
    throw new ApiError(
      409,
      'ServicePortInUse',
      `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.device_owner}.`,
    );
  const fips = await trx.selectFrom('floatingips').selectAll().where('fixed_port_id', '=', port.id).execute();
  for (const fip of fips)
    await trx
      .updateTable('floatingips')
      .set({ fixed_port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN', ...bumped(fip) })
      .where('id', '=', fip.id)
      .execute();
  const pfRouters = await trx
    .selectFrom('port_forwardings')
    .innerJoin('floatingips', 'floatingips.id', 'port_forwardings.floatingip_id')
    .select('floatingips.router_id')
    .where('port_forwardings.internal_port_id', '=', port.id)
    .execute();
  await trx.deleteFrom('port_forwardings').where('internal_port_id', '=', port.id).execute();
  const routers = [...fips.map((f) => f.router_id), ...pfRouters.map((r) => r.router_id)];
  return [...new Set(routers.filter((r): r is string => Boolean(r)))];
}
