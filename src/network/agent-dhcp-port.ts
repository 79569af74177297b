import { portChanged } from './agent-notify.ts';
import type { NetworkDeps } from './deps.ts';
import { allocateFixedIps } from './ipam.ts';
import { createInternalPort, portView } from './port-create.ts';

export const DHCP_OWNER = 'network:dhcp';

/**
 * The server's half of Neutron's `create_dhcp_port`: a DHCP network whose agent wires DHCP needs a port of
 * its own (device_owner `network:dhcp`, an address on each DHCP-enabled IPv4 subnet, no security groups),
 * bound to the DHCP host so its status comes back ACTIVE. Made in one transaction that looks again for an
 * existing DHCP port first, so two syncs of one host never make two. Returns the networks that got one.
 * A DHCP port that has no address yet on a DHCP subnet added later gets one.
 */
export async function ensureDhcpPorts(deps: NetworkDeps, host: string, networkIds: string[]): Promise<string[]> {
  const made: string[] = [];
  for (const networkId of networkIds) {
    try {
      const portId = await deps.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('ports')
          .select(['id', 'mac_address'])
          .where('network_id', '=', networkId)
          .where('device_owner', '=', DHCP_OWNER)
          .executeTakeFirst();
        const network = await trx.selectFrom('networks').selectAll().where('id', '=', networkId).executeTakeFirst();
        const subnets = await trx
          .selectFrom('subnets')
          .select('id')
          .where('network_id', '=', networkId)
          .where('enable_dhcp', '=', 1)
          .where('ip_version', '=', 4)
          .execute();
        if (!network || subnets.length === 0) return undefined;
        if (existing) {
          // A subnet added since the port was made: the port gets an address on it too, as in Neutron.
          const held = await trx
            .selectFrom('ip_allocations')
            .select('subnet_id')
            .where('port_id', '=', existing.id)
            .execute();
          const missing = subnets.filter((s) => !held.some((h) => h.subnet_id === s.id));
          if (missing.length === 0) return undefined;
          const ctx = { networkId, portId: existing.id, mac: existing.mac_address, deviceOwner: DHCP_OWNER };
          await allocateFixedIps(
            trx,
            ctx,
            missing.map((m) => ({ subnet_id: m.id })),
          );
          return existing.id;
        }
        const port = await createInternalPort(trx, deps, {
          network_id: networkId,
          project_id: network.project_id,
          device_owner: DHCP_OWNER,
          device_id: `dhcp-${host}-${networkId}`.slice(0, 255),
          fixed_ips: subnets.map((s) => ({ subnet_id: s.id })),
          security_groups: null,
        });
        await trx.updateTable('ports').set({ binding_host_id: host }).where('id', '=', port.id).execute();
        return port.id;
      });
      if (!portId) continue;
      made.push(networkId);
      const view = (await portView(deps.db, [portId], deps)).get(portId);
      if (view) await portChanged(deps, view);
    } catch (err) {
      // A full pool or the project's port quota: DHCP for this network waits for the next change or sync.
      deps.log.warn({ err, network_id: networkId, host }, 'cannot allocate the DHCP port');
    }
  }
  return made;
}
