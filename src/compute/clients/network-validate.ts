import { badRequest, conflict } from '../errors.ts';
import type { TtlCache } from './ttl-cache.ts';
import type { CallerToken, NetworkRequest, RequestedNetwork, ResolvedNetworks, ServiceAnswer } from './types.ts';

type Get = (caller: CallerToken, path: string) => Promise<ServiceAnswer>;

/**
 * The API-time checks of a create request's networks, as the caller sees Networking (Nova's
 * validate_networks): unknown networks and ports are 400, a port with a device 409, several candidate
 * networks for an unspecific request 409, unknown security groups 400.
 *
 * `requested` is `[]` when the request named no networks before 2.37: the project's only network (or the only
 * shared one) is used, several are ambiguous (409), none means no NIC. 'auto' (2.37) is the same but none is a
 * 400: this Networking has no auto-allocated-topology.
 */
export async function validateRequested(
  get: Get,
  cache: TtlCache<ServiceAnswer>,
  caller: CallerToken & { projectId: string },
  requested: NetworkRequest,
  securityGroups: string[],
): Promise<ResolvedNetworks> {
  const cachedGet = async (path: string) => {
    const key = `${caller.token ?? ''}\n${path}`;
    const hit = cache.get(key);
    if (hit.found) return hit.value;
    const res = await get(caller, path);
    if (res.status === 200) cache.set(key, res);
    return res;
  };
  // A group made since the cached list (Tempest creates one, then boots with it at once) is looked for again.
  const securityGroupIds = await resolveSecurityGroups(cachedGet, caller.projectId, securityGroups).catch(() =>
    resolveSecurityGroups((path) => get(caller, path), caller.projectId, securityGroups),
  );
  if (requested === 'none') return { requested: [], securityGroupIds };
  if (requested === 'auto' || requested.length === 0) {
    const only = await onlyNetwork(cachedGet, caller.projectId);
    if (only) return { requested: [{ network_id: only }], securityGroupIds };
    if (requested === 'auto')
      throw badRequest(`Unable to automatically allocate a network for project ${caller.projectId}`);
    return { requested: [], securityGroupIds };
  }

  const out: RequestedNetwork[] = [];
  const portsSeen = new Set<string>();
  for (const entry of requested) {
    if (entry.port_id) {
      if (portsSeen.has(entry.port_id)) throw badRequest(`Port ${entry.port_id} is still in use.`);
      portsSeen.add(entry.port_id);
      // Not cached: whether a port is in use changes from one request to the next.
      const res = await get(caller, `/v2.0/ports/${encodeURIComponent(entry.port_id)}`);
      if (res.status === 404) throw badRequest(`Port id ${entry.port_id} could not be found.`);
      if (res.status !== 200) throw unexpected('port', res);
      const port = res.body.port;
      if (port.device_id) throw conflict(`Port ${entry.port_id} is still in use.`);
      if (!port.mac_address) throw badRequest(`Port ${entry.port_id} requires a FixedIP in order to be used.`);
      out.push({ ...entry, network_id: port.network_id });
      continue;
    }
    if (!entry.network_id) throw badRequest('Bad networks format: network uuid is not in proper format');
    const res = await cachedGet(`/v2.0/networks/${encodeURIComponent(entry.network_id)}`);
    if (res.status === 404) throw badRequest(`Network ${entry.network_id} could not be found.`);
    if (res.status !== 200) throw unexpected('network', res);
    if (entry.fixed_ip) await checkFixedIp(cachedGet, entry.network_id, entry.fixed_ip);
    out.push({ ...entry });
  }
  return { requested: out, securityGroupIds };
}

/** The project's single network, else the single shared one; several → Nova's NetworkAmbiguous (409). */
async function onlyNetwork(get: (path: string) => Promise<ServiceAnswer>, projectId: string) {
  const own = await get(`/v2.0/networks?project_id=${encodeURIComponent(projectId)}&shared=False`);
  if (own.status !== 200) throw unexpected('networks', own);
  let nets = (own.body.networks as { id: string; 'router:external'?: boolean }[]).filter((n) => !n['router:external']);
  if (nets.length === 0) {
    const shared = await get('/v2.0/networks?shared=True');
    if (shared.status !== 200) throw unexpected('networks', shared);
    nets = shared.body.networks;
  }
  if (nets.length > 1)
    throw conflict('More than one possible network found. Specify network ID(s) to select which one(s) to connect to.');
  return nets[0]?.id;
}

async function checkFixedIp(get: (path: string) => Promise<ServiceAnswer>, networkId: string, ip: string) {
  const res = await get(`/v2.0/subnets?network_id=${encodeURIComponent(networkId)}`);
  if (res.status !== 200) throw unexpected('subnets', res);
  const subnets = res.body.subnets as { cidr: string }[];
  if (!subnets.some((s) => inCidr(ip, s.cidr))) throw badRequest(`Fixed IP address ${ip} is invalid.`);
}

/** Names or ids of the project's security groups → ids; Nova answers 400 for an unknown one. */
async function resolveSecurityGroups(
  get: (path: string) => Promise<ServiceAnswer>,
  projectId: string,
  wanted: string[],
): Promise<string[]> {
  const names = [...new Set(wanted)];
  if (names.length === 0) return [];
  const res = await get(`/v2.0/security-groups?project_id=${encodeURIComponent(projectId)}&fields=id&fields=name`);
  if (res.status !== 200) throw unexpected('security groups', res);
  const groups = res.body.security_groups as { id: string; name: string }[];
  const ids: string[] = [];
  for (const name of names) {
    const byId = groups.find((g) => g.id === name);
    if (byId) {
      ids.push(byId.id);
      continue;
    }
    const byName = groups.filter((g) => g.name === name);
    if (byName.length === 0) throw badRequest(`Security group ${name} not found.`);
    if (byName.length > 1)
      throw conflict(`Multiple security groups found matching '${name}'. Use an ID to be more specific.`);
    ids.push(byName[0].id);
  }
  return [...new Set(ids)];
}

function unexpected(what: string, res: ServiceAnswer): Error {
  return new Error(
    `network service: ${what} lookup answered ${res.status} ${JSON.stringify(res.body ?? '').slice(0, 200)}`,
  );
}

/** True when `ip` lies in `cidr` (IPv4 or IPv6). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, lenText] = cidr.split('/');
  const a = toBigInt(ip);
  const b = toBigInt(base);
  if (a === undefined || b === undefined || a.bits !== b.bits) return false;
  const len = BigInt(Number(lenText ?? a.bits));
  const shift = BigInt(a.bits) - len;
  return a.value >> shift === b.value >> shift;
}

function toBigInt(ip: string): { value: bigint; bits: number } | undefined {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
    return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n), bits: 128 };
  }
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return { value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n), bits: 32 };
}
