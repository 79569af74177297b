import { type AttrMap, type Validator, v } from './attributes.ts';
import { invalidInput } from './errors.ts';
import type { PortForwardingRow } from './tables.ts';

/** `"N"` or `"N:M"` (1..65535, N ≤ M), Neutron's port-forwarding-port-ranges. */
const portRange: Validator = (value, name) => {
  const m = typeof value === 'string' || typeof value === 'number' ? /^(\d+)(?::(\d+))?$/.exec(String(value)) : null;
  const [a, b] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [0, 0];
  if (!m || a < 1 || b > 65535 || a > b) throw invalidInput(name, `'${String(value)}' is not a valid port range`);
  return `${a}:${b}`;
};

/** The port_forwarding sub-resource of a floating IP. */
export const PORT_FORWARDING_ATTRS: AttrMap = {
  id: { parse: v.uuid(), filter: true, sort: true },
  project_id: { parse: v.string(255), post: true },
  external_port: {
    parse: v.nullable(v.integer(1, 65535)),
    post: true,
    put: true,
    filter: true,
    sort: true,
    column: 'external_port_start',
  },
  internal_port: { parse: v.nullable(v.integer(1, 65535)), post: true, put: true },
  external_port_range: { parse: portRange, post: true, put: true },
  internal_port_range: { parse: portRange, post: true, put: true },
  internal_ip_address: { parse: v.ip(4), post: true, put: true, filter: true },
  protocol: { parse: v.oneOf('tcp', 'udp'), post: true, put: true, filter: true, sort: true },
  internal_port_id: { parse: v.uuid(), post: true, put: true, filter: true, sort: true },
  description: { parse: v.string(255), post: true, put: true, default: '', filter: true },
};

export function portForwardingView(row: PortForwardingRow): Record<string, unknown> {
  const single = row.external_port_start === row.external_port_end && row.internal_port_start === row.internal_port_end;
  return {
    id: row.id,
    external_port: single ? row.external_port_start : null,
    internal_port: single ? row.internal_port_start : null,
    external_port_range: `${row.external_port_start}:${row.external_port_end}`,
    internal_port_range: `${row.internal_port_start}:${row.internal_port_end}`,
    internal_ip_address: row.internal_ip_address,
    protocol: row.protocol,
    internal_port_id: row.internal_port_id,
    description: row.description,
  };
}
