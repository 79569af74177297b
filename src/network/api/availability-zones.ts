import type { ServiceApp } from '../../core/http/service.ts';
import { enforce } from '../access.ts';
import { type AttrMap, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { parseListQuery, pickFields } from '../listing.ts';
import { isAlive } from '../store/agents.ts';

/** The resource each zoned agent type serves, as Neutron derives availability zones from agents. */
const RESOURCE_OF: Record<string, string> = { 'DHCP agent': 'network', 'L3 agent': 'router' };

const AZ_ATTRS: AttrMap = {
  name: { parse: v.string(), filter: true },
  resource: { parse: v.string(), filter: true },
  state: { parse: v.string(), filter: true },
};

/**
 * /v2.0/availability_zones: one entry per (zone, resource) among the DHCP and L3 agents; `available` while any
 * of them is up and enabled.
 */
export function availabilityZonesRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/availability_zones', async (req) => {
    const q = parseListQuery(req.query as Record<string, string>, AZ_ATTRS);
    enforce(req, 'get_availability_zone', {});
    const rows = await deps.db
      .selectFrom('network_agents')
      .selectAll()
      .where('agent_type', 'in', Object.keys(RESOURCE_OF))
      .where('availability_zone', 'is not', null)
      .execute();
    const zones = new Map<string, { name: string; resource: string; state: string }>();
    for (const row of rows) {
      const name = row.availability_zone as string;
      const resource = RESOURCE_OF[row.agent_type];
      const key = `${name}\n${resource}`;
      const up = Boolean(row.admin_state_up) && isAlive(row, deps.config.network.agentDownTime);
      const zone = zones.get(key) ?? { name, resource, state: 'unavailable' };
      if (up) zone.state = 'available';
      zones.set(key, zone);
    }
    const wanted = (zone: Record<string, string>) =>
      [...q.filters].every(([attr, values]) => values.includes(zone[attr]));
    const list = [...zones.values()]
      .filter(wanted)
      .sort((a, b) => a.name.localeCompare(b.name) || a.resource.localeCompare(b.resource))
      .map((zone) => pickFields(zone, q.fields));
    return { availability_zones: list };
  });
}
