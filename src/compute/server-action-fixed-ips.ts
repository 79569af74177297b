import { badRequest } from './errors.ts';
import { infoCacheOf } from './info-cache.ts';
import { type ActionCall, type ActionSpec, accepted, bodyObject, onlyKeys } from './server-action-context.ts';

interface Port {
  id: string;
  network_id: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
}

async function portsOf(call: ActionCall): Promise<Port[]> {
  const res = await call.deps.network.request({}, 'GET', `/v2.0/ports?device_id=${call.row.uuid}`);
  return (res.body?.ports ?? []) as Port[];
}

async function updateFixedIps(call: ActionCall, port: Port, fixedIps: Record<string, string>[]): Promise<void> {
  const res = await call.deps.network.request({}, 'PUT', `/v2.0/ports/${port.id}`, { port: { fixed_ips: fixedIps } });
  if (res.status >= 400) throw badRequest(res.body?.NeutronError?.message ?? 'Could not change the fixed IPs.');
  // The addresses come from the info cache: read it again now rather than when the notification arrives.
  await infoCacheOf(call.deps).refresh(call.row.uuid);
}

/** addFixedIp: one more address on the server's port in that network, from the first subnet that has room. */
async function addFixedIp(call: ActionCall) {
  const body = bodyObject(call, 'addFixedIp');
  onlyKeys('addFixedIp', body, ['networkId']);
  const networkId = body.networkId;
  if ((typeof networkId !== 'string' || networkId === '') && typeof networkId !== 'number')
    throw badRequest("Invalid input for field/attribute addFixedIp. 'networkId' is a required property");
  const port = (await portsOf(call)).find((p) => p.network_id === String(networkId));
  if (!port) throw badRequest(`Network ${networkId} could not be found.`);
  const subnets = await call.deps.network.request({}, 'GET', `/v2.0/subnets?network_id=${port.network_id}`);
  const existing = port.fixed_ips.map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address }));
  for (const subnet of (subnets.body?.subnets ?? []) as { id: string }[]) {
    try {
      await updateFixedIps(call, port, [...existing, { subnet_id: subnet.id }]);
      return accepted(call);
    } catch {
      // Subnet full: try the next one, as Nova does.
    }
  }
  throw badRequest(`No fixed IP addresses available for network: ${networkId}`);
}

async function removeFixedIp(call: ActionCall) {
  const body = bodyObject(call, 'removeFixedIp');
  onlyKeys('removeFixedIp', body, ['address']);
  if (typeof body.address !== 'string')
    throw badRequest("Invalid input for field/attribute removeFixedIp. 'address' is a required property");
  const port = (await portsOf(call)).find((p) => p.fixed_ips.some((ip) => ip.ip_address === body.address));
  if (!port) throw badRequest(`Instance ${call.row.uuid} does not have fixed IP '${body.address}'.`);
  await updateFixedIps(
    call,
    port,
    port.fixed_ips
      .filter((ip) => ip.ip_address !== body.address)
      .map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address })),
  );
  return accepted(call);
}

export const fixedIpActions: Record<string, ActionSpec> = {
  // Nova removed the multinic actions at 2.44.
  addFixedIp: { policy: 'os_compute_api:os-multinic:add', lock: true, versions: { max: '2.43' }, handle: addFixedIp },
  removeFixedIp: {
    policy: 'os_compute_api:os-multinic:remove',
    lock: true,
    versions: { max: '2.43' },
    handle: removeFixedIp,
  },
};
