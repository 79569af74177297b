import type { ComputeDeps } from './deps.ts';
import { badRequest } from './errors.ts';
import { infoCacheOf } from './info-cache.ts';
import type { InstanceRow } from './tables.ts';

interface PortFixedIps {
  id: string;
  network_id: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

/**
 * The server actions addFixedIp / removeFixedIp (≤ 2.43) over Neutron, as Nova's network API does them: one
 * more address on the server's port in that network (from the network's first subnet), or an address taken off
 * the port holding it. The server-actions route (task B) calls these after its lookups and policy checks; both
 * answer 202 there.
 */
export async function addFixedIp(
  deps: ComputeDeps,
  instance: Pick<InstanceRow, 'uuid'>,
  body: { networkId: string },
): Promise<void> {
  const ports = await portsOf(deps, instance.uuid);
  const port = ports.find((p) => p.network_id === body.networkId);
  if (!port)
    throw badRequest(`Error adding fixed IP: Network ${body.networkId} is not attached to instance ${instance.uuid}`);
  const subnets = await deps.network.request({}, 'GET', `/v2.0/subnets?network_id=${body.networkId}&fields=id`);
  const subnet = subnets.body?.subnets?.[0]?.id as string | undefined;
  if (!subnet) throw badRequest(`Network ${body.networkId} requires a subnet in order to boot instances on.`);
  const fixed_ips = [
    ...port.fixed_ips.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    { subnet_id: subnet },
  ];
  const res = await deps.network.request({}, 'PUT', `/v2.0/ports/${port.id}`, { port: { fixed_ips } });
  if (res.status !== 200)
    throw badRequest(
      `Error adding fixed IP: ${res.body?.NeutronError?.message ?? `Networking answered ${res.status}`}`,
    );
  await infoCacheOf(deps).refresh(instance.uuid);
}

export async function removeFixedIp(
  deps: ComputeDeps,
  instance: Pick<InstanceRow, 'uuid'>,
  body: { address: string },
): Promise<void> {
  const ports = await portsOf(deps, instance.uuid);
  const port = ports.find((p) => p.fixed_ips.some((f) => f.ip_address === body.address));
  if (!port)
    throw badRequest(`There is no fixed IP address ${body.address} associated with instance ${instance.uuid}.`);
  const fixed_ips = port.fixed_ips
    .filter((f) => f.ip_address !== body.address)
    .map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address }));
  const res = await deps.network.request({}, 'PUT', `/v2.0/ports/${port.id}`, { port: { fixed_ips } });
  if (res.status !== 200)
    throw badRequest(
      `Error removing fixed IP: ${res.body?.NeutronError?.message ?? `Networking answered ${res.status}`}`,
    );
  await infoCacheOf(deps).refresh(instance.uuid);
}

async function portsOf(deps: ComputeDeps, uuid: string): Promise<PortFixedIps[]> {
  const res = await deps.network.request({}, 'GET', `/v2.0/ports?device_id=${uuid}`);
  return (res.status === 200 ? res.body.ports : []) as PortFixedIps[];
}
