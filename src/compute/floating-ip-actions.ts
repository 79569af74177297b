import type { FastifyRequest } from 'fastify';
import type { ComputeDeps } from './deps.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { infoCacheOf } from './info-cache.ts';
import { neutronAsCaller, neutronMessage } from './neutron-proxy.ts';
import type { InstanceRow } from './tables.ts';

/**
 * The server actions addFloatingIp / removeFloatingIp (≤ 2.43) over Neutron, as Nova does them: the floating
 * IP is found by address with the caller's token and pointed at (or taken off) the server's port. The
 * server-actions route (task B) calls these after its own lookup and policy checks; both answer 202 there.
 */
export async function addFloatingIp(
  deps: ComputeDeps,
  req: FastifyRequest,
  instance: Pick<InstanceRow, 'uuid'>,
  body: { address: string; fixed_address?: string },
): Promise<void> {
  const neutron = neutronAsCaller(deps, req);
  const fip = await floatingIpByAddress(deps, req, body.address);
  const ports = await deps.network.request({}, 'GET', `/v2.0/ports?device_id=${instance.uuid}`);
  const candidates = ((ports.body?.ports ?? []) as { id: string; fixed_ips: { ip_address: string }[] }[]).flatMap((p) =>
    p.fixed_ips.map((f) => ({ port: p.id, ip: f.ip_address })),
  );
  if (candidates.length === 0) throw badRequest('No fixed IPs associated to instance');
  let chosen = candidates.find((c) => !c.ip.includes(':')) ?? candidates[0];
  if (body.fixed_address) {
    const named = candidates.find((c) => c.ip === body.fixed_address);
    if (!named) throw badRequest('Specified fixed address not assigned to instance');
    chosen = named;
  }
  const previous = fip.port_id;
  const res = await neutron('PUT', `/v2.0/floatingips/${fip.id}`, {
    floatingip: { port_id: chosen.port, fixed_ip_address: chosen.ip },
  });
  if (res.status !== 200)
    throw badRequest(
      `Unable to associate floating IP ${body.address} to fixed IP ${chosen.ip} for instance ${instance.uuid}. Error: ${neutronMessage(res)}`,
    );
  const refresher = infoCacheOf(deps);
  void refresher.schedule(instance.uuid);
  if (previous) {
    const old = await deps.network.request({}, 'GET', `/v2.0/ports/${previous}`);
    if (old.status === 200 && old.body.port.device_id) void refresher.schedule(old.body.port.device_id);
  }
}

export async function removeFloatingIp(
  deps: ComputeDeps,
  req: FastifyRequest,
  instance: Pick<InstanceRow, 'uuid'>,
  body: { address: string },
): Promise<void> {
  const neutron = neutronAsCaller(deps, req);
  const fip = await floatingIpByAddress(deps, req, body.address);
  let owner: string | undefined;
  if (fip.port_id) {
    const port = await deps.network.request({}, 'GET', `/v2.0/ports/${fip.port_id}`);
    owner = port.status === 200 ? port.body.port.device_id : undefined;
  }
  if (owner !== instance.uuid)
    throw conflict(`Floating IP ${body.address} is not associated with instance ${instance.uuid}.`);
  const res = await neutron('PUT', `/v2.0/floatingips/${fip.id}`, { floatingip: { port_id: null } });
  if (res.status !== 200) throw badRequest(neutronMessage(res));
  void infoCacheOf(deps).schedule(instance.uuid);
}

async function floatingIpByAddress(deps: ComputeDeps, req: FastifyRequest, address: string) {
  if (!address) throw badRequest('floating IP address is required');
  const neutron = neutronAsCaller(deps, req);
  const res = await neutron('GET', `/v2.0/floatingips?floating_ip_address=${encodeURIComponent(address)}`);
  const fip = res.status === 200 ? res.body.floatingips[0] : undefined;
  if (!fip) throw notFound('floating IP not found');
  return fip as { id: string; port_id: string | null };
}
