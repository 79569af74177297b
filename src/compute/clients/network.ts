import type { ComputeBase } from '../deps.ts';
import {
  buildNetworkInfo,
  memoryOf,
  type NeutronFloatingIp,
  type NeutronNetwork,
  type NeutronPort,
  type PortMemory,
} from './network-info.ts';
import { validateRequested } from './network-validate.ts';
import { TtlCache } from './ttl-cache.ts';
import type { CallerToken, NetworkClient, NetworkInfo, ServiceAnswer } from './types.ts';

/** Lookups at API time stay good this long per token: a burst of creates asks Networking once. */
const LOOKUP_TTL_MS = 5000;

/**
 * The Networking (Neutron v2.0) client. API-time checks run with the caller's token; port allocation,
 * binding and the network info of an instance use the compute service token (admin in project `service`),
 * naming the instance's project explicitly.
 */
export function createNetworkClient(base: ComputeBase): NetworkClient {
  const root = () => `${base.publicUrl()}/networking`;
  const lookups = new TtlCache<ServiceAnswer>(LOOKUP_TTL_MS, 5000);
  // What this process allocated lately: a refresh that runs before the conductor saved the info still knows
  // which ports Compute made (else it would take them for the user's and never delete them).
  const allocated = new TtlCache<PortMemory>(10 * 60_000, 20_000);
  const rememberedOf = (cached: NetworkInfo, ports: NeutronPort[]) => {
    const memory = memoryOf(cached);
    for (const p of ports) {
      if (memory.has(p.id)) continue;
      const hit = allocated.get(p.id);
      if (hit.found) memory.set(p.id, hit.value);
    }
    return memory;
  };

  const request = async (caller: CallerToken, method: string, path: string, body?: unknown): Promise<ServiceAnswer> =>
    base.services.request(`${root()}${path}`, { method, body, userToken: caller.token });
  const asService = (method: string, path: string, body?: unknown) => request({}, method, path, body);
  const must = async (method: string, path: string, body: unknown, ok: number[]) => {
    const res = await asService(method, path, body);
    if (!ok.includes(res.status)) throw new NetworkCallError(method, path, res);
    return res;
  };

  const idQuery = (key: string, ids: string[]) => ids.map((id) => `${key}=${encodeURIComponent(id)}`).join('&');

  /** Network info for these ports (their networks' names and MTUs, the floating IPs on them). */
  const infoOf = async (ports: NeutronPort[], memory: Map<string, PortMemory>, order: string[]) => {
    if (ports.length === 0) return [];
    const netIds = [...new Set(ports.map((p) => p.network_id))];
    const [nets, fips] = await Promise.all([
      must('GET', `/v2.0/networks?${idQuery('id', netIds)}&fields=id&fields=name&fields=mtu`, undefined, [200]),
      must(
        'GET',
        `/v2.0/floatingips?${idQuery(
          'port_id',
          ports.map((p) => p.id),
        )}`,
        undefined,
        [200],
      ),
    ]);
    return buildNetworkInfo(
      ports,
      nets.body.networks as NeutronNetwork[],
      fips.body.floatingips as NeutronFloatingIp[],
      memory,
      order,
    );
  };

  const portsOf = async (instanceUuid: string): Promise<NeutronPort[]> =>
    (await must('GET', `/v2.0/ports?device_id=${encodeURIComponent(instanceUuid)}`, undefined, [200])).body.ports;

  /** What the instance's cached network info remembers (tags, whose ports), read from its row. */
  const cachedInfo = async (instanceUuid: string): Promise<NetworkInfo> => {
    const row = await base.db
      .selectFrom('instances')
      .select('info_cache')
      .where('uuid', '=', instanceUuid)
      .executeTakeFirst();
    try {
      const parsed = JSON.parse(row?.info_cache || '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  };

  const unbind = (portId: string) =>
    asService('PUT', `/v2.0/ports/${portId}`, {
      port: { device_id: '', device_owner: '', 'binding:host_id': '' },
    });

  return {
    validateRequested: (caller, requested, securityGroups) =>
      validateRequested((c, path) => request(c, 'GET', path), lookups, caller, requested, securityGroups),

    async allocatePorts(instance, resolved, host) {
      const owner = `compute:${instance.availability_zone || base.config.compute.defaultAvailabilityZone}`;
      const created: string[] = [];
      const bound: string[] = [];
      const ports: NeutronPort[] = [];
      const memory = new Map<string, PortMemory>();
      try {
        for (const want of resolved.requested) {
          if (want.port_id) {
            const res = await must(
              'PUT',
              `/v2.0/ports/${encodeURIComponent(want.port_id)}`,
              { port: { device_id: instance.uuid, device_owner: owner, 'binding:host_id': host } },
              [200],
            );
            bound.push(want.port_id);
            ports.push(res.body.port);
            memory.set(want.port_id, { tag: want.tag ?? null, preserve_on_delete: true });
            continue;
          }
          const port: Record<string, unknown> = {
            network_id: want.network_id,
            project_id: instance.project_id,
            device_id: instance.uuid,
            device_owner: owner,
            'binding:host_id': host,
          };
          if (resolved.securityGroupIds.length) port.security_groups = resolved.securityGroupIds;
          if (want.fixed_ip) port.fixed_ips = [{ ip_address: want.fixed_ip }];
          const res = await must('POST', '/v2.0/ports', { port }, [201]);
          created.push(res.body.port.id);
          ports.push(res.body.port);
          memory.set(res.body.port.id, { tag: want.tag ?? null, preserve_on_delete: false });
        }
        for (const [id, m] of memory) allocated.set(id, m);
        return await infoOf(
          ports,
          memory,
          ports.map((p) => p.id),
        );
      } catch (err) {
        // Leave nothing half-done: the ports made here go, the user's ports are let go again.
        await Promise.allSettled([
          ...created.map((id) => asService('DELETE', `/v2.0/ports/${id}`)),
          ...bound.map((id) => unbind(id)),
        ]);
        throw err;
      }
    },

    async bindPorts(instanceUuid, host) {
      const ports = await portsOf(instanceUuid);
      const rebound: NeutronPort[] = [];
      for (const p of ports) {
        const res = await must('PUT', `/v2.0/ports/${p.id}`, { port: { 'binding:host_id': host } }, [200]);
        rebound.push(res.body.port);
      }
      const cached = await cachedInfo(instanceUuid);
      return infoOf(
        rebound,
        rememberedOf(cached, rebound),
        cached.map((v) => v.id),
      );
    },

    async deallocatePorts(instanceUuid, info) {
      const current = await portsOf(instanceUuid);
      const memory = rememberedOf(info.length ? info : await cachedInfo(instanceUuid), current);
      const ids = new Set([...current.map((p) => p.id), ...memory.keys()]);
      await Promise.all(
        [...ids].map(async (id) => {
          const res = memory.get(id)?.preserve_on_delete
            ? await unbind(id)
            : await asService('DELETE', `/v2.0/ports/${id}`);
          if (res.status >= 400 && res.status !== 404) throw new NetworkCallError('release', `/v2.0/ports/${id}`, res);
        }),
      );
    },

    async networkInfo(instanceUuid) {
      const [ports, cached] = await Promise.all([portsOf(instanceUuid), cachedInfo(instanceUuid)]);
      return infoOf(
        ports,
        rememberedOf(cached, ports),
        cached.map((v) => v.id),
      );
    },

    request,
  };
}

/** Networking refused a call Compute made as the service; the message carries Neutron's own words. */
export class NetworkCallError extends Error {
  readonly status: number;
  readonly neutronType: string | undefined;
  constructor(method: string, path: string, res: ServiceAnswer) {
    const err = res.body?.NeutronError;
    super(err?.message ?? `network service: ${method} ${path} answered ${res.status}`);
    this.status = res.status;
    this.neutronType = err?.type;
  }
}
