import type { Caller } from './access.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { pickFixedIp, routerFor } from './floating-ip-association.ts';
import type { FloatingIpRow, NetworkDb, PortForwardingRow } from './tables.ts';

const bad = (msg: string) => badRequest(`Bad port_forwarding request: ${msg}.`, 'BadRequest');

/** The port numbers of a request: a single port or a range, for each side. */
export function rangesOf(values: Record<string, unknown>, current?: PortForwardingRow) {
  const side = (single: string, range: string, start?: number, end?: number): [number, number] | undefined => {
    if (values[range] !== undefined && values[range] !== null) {
      const [a, b] = String(values[range]).split(':').map(Number);
      return [a, b];
    }
    if (values[single] !== undefined && values[single] !== null)
      return [values[single] as number, values[single] as number];
    return start !== undefined && end !== undefined ? [start, end] : undefined;
  };
  const external = side(
    'external_port',
    'external_port_range',
    current?.external_port_start,
    current?.external_port_end,
  );
  const internal = side(
    'internal_port',
    'internal_port_range',
    current?.internal_port_start,
    current?.internal_port_end,
  );
  if (!external || !internal)
    throw badRequest("Failed to parse request. Required attribute 'external_port' not specified");
  const [ie, ee] = [internal[1] - internal[0], external[1] - external[0]];
  if (ie > 0 && ie !== ee)
    throw bad(
      'Invalid ranges of internal and/or external ports. The relation between internal and external ports must be N-N or 1-N',
    );
  return { external, internal };
}

/**
 * Checks a port forwarding as it would be after the write: the floating IP is not associated with a port, the
 * internal port is the caller's and has no floating IP of its own, its address is one of the port's, a router
 * joins the port to the floating IP's network (the one the floating IP already uses, if any), and no other
 * forwarding collides. Returns the router to record on the floating IP.
 */
export async function checkPortForwarding(
  trx: NetworkDb,
  caller: Caller,
  fip: FloatingIpRow,
  pf: PortForwardingRow,
): Promise<string> {
  if (fip.fixed_port_id)
    throw conflict(
      'FloatingIPPortAlreadyAssociated',
      `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${pf.internal_port_id} using fixed IP ${pf.internal_ip_address}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
    );
  const port = await trx.selectFrom('ports').selectAll().where('id', '=', pf.internal_port_id).executeTakeFirst();
  if (!port || (!caller.isAdmin && port.project_id !== caller.projectId)) throw notFound('port', pf.internal_port_id);
  const bound = await trx
    .selectFrom('floatingips')
    .select(['id', 'floating_ip_address'])
    .where('fixed_port_id', '=', port.id)
    .executeTakeFirst();
  if (bound)
    throw conflict(
      'PortHasBindingFloatingIP',
      `Cannot create port forwarding to floating IP ${bound.floating_ip_address} (${bound.id}) with port ${port.id} using fixed IP ${pf.internal_ip_address}, as that port already has a binding floating IP.`,
    );
  const { subnetId } = await pickFixedIp(trx, port, pf.internal_ip_address, 'port_forwarding');
  let routerId: string;
  try {
    routerId = await routerFor(trx, port, subnetId, fip.floating_network_id);
  } catch {
    throw bad(
      `External network ${fip.floating_network_id} is not reachable from subnet ${subnetId}. Cannot set Port forwarding for port ${port.id} with Floating IP ${fip.id}`,
    );
  }
  if (fip.router_id && fip.router_id !== routerId)
    throw bad(
      `The Floating IP ${fip.id} had been set on router ${fip.router_id}, the internal Neutron port ${port.id} can not reach it`,
    );
  const others = await trx
    .selectFrom('port_forwardings')
    .selectAll()
    .where('protocol', '=', pf.protocol)
    .where('id', '!=', pf.id)
    .where((eb) => eb.or([eb('floatingip_id', '=', fip.id), eb('internal_port_id', '=', pf.internal_port_id)]))
    .execute();
  const collides = (a: [number, number], b: [number, number]) => Math.max(a[0], b[0]) <= Math.min(a[1], b[1]);
  for (const o of others) {
    const ext: [number, number] = [o.external_port_start, o.external_port_end];
    const int: [number, number] = [o.internal_port_start, o.internal_port_end];
    if (o.floatingip_id === fip.id && collides(ext, [pf.external_port_start, pf.external_port_end]))
      throw bad(
        `There is a port collision with the external_port. The following ranges collide: ${ext.join(':')} and ${pf.external_port_start}:${pf.external_port_end}`,
      );
    if (
      o.internal_port_id === pf.internal_port_id &&
      o.internal_ip_address === pf.internal_ip_address &&
      collides(int, [pf.internal_port_start, pf.internal_port_end])
    )
      throw bad(
        `There is a port collision with the internal_port. The following ranges collide: ${int.join(':')} and ${pf.internal_port_start}:${pf.internal_port_end}`,
      );
  }
  return routerId;
}
