import { type AttrMap, v } from './attributes.ts';
import { STANDARD_ATTRS, standardView } from './standard-attrs.ts';
import type { FloatingIpRow, PortForwardingRow } from './tables.ts';

/** The floatingip resource (l3, fip-port-details, expose-port-forwarding-in-fip). */
export const FLOATING_IP_ATTRS: AttrMap = {
  ...STANDARD_ATTRS,
  floating_ip_address: { parse: v.ip(4), post: true, filter: true, sort: true },
  floating_network_id: { parse: v.uuid(), post: true, required: true, filter: true, sort: true },
  subnet_id: { parse: v.nullable(v.uuid()), post: true },
  router_id: { parse: v.uuid(), filter: true, sort: true },
  port_id: { parse: v.nullable(v.uuid()), post: true, put: true, filter: true, sort: true, column: 'fixed_port_id' },
  fixed_ip_address: { parse: v.nullable(v.ip()), post: true, put: true, filter: true, sort: true },
  status: { parse: v.string(16), filter: true, sort: true },
  port_details: { parse: v.any() },
  port_forwardings: { parse: v.any() },
};

/** What `port_details` shows of the associated port. */
const PORT_DETAIL_KEYS = ['name', 'network_id', 'mac_address', 'admin_state_up', 'status', 'device_id', 'device_owner'];

export function floatingIpView(
  row: FloatingIpRow,
  extras: { tags: readonly string[]; port?: Record<string, unknown>; forwardings: readonly PortForwardingRow[] },
): Record<string, unknown> {
  const port = extras.port;
  return {
    ...standardView(row, extras.tags),
    floating_ip_address: row.floating_ip_address,
    floating_network_id: row.floating_network_id,
    router_id: row.router_id,
    port_id: row.fixed_port_id,
    fixed_ip_address: row.fixed_ip_address,
    status: row.status,
    port_details: port ? Object.fromEntries(PORT_DETAIL_KEYS.map((k) => [k, port[k] ?? null])) : null,
    port_forwardings: extras.forwardings.map((pf) => ({
      protocol: pf.protocol,
      internal_ip_address: pf.internal_ip_address,
      internal_port: pf.internal_port_start,
      external_port: pf.external_port_start,
    })),
  };
}
