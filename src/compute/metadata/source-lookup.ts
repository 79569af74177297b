import { isIP } from 'node:net';
import { TtlCache } from '../clients/ttl-cache.ts';
import type { ComputeDeps } from '../deps.ts';
import type { SubnetFacts } from './network-data.ts';

/**
 * How long an answer about who sits behind an address stays good: a booting guest reads a dozen paths within a
 * second or two, and this makes that burst one Networking call. A port moved to another instance within this
 * window would still be answered as the old one, so it stays short.
 */
const SOURCE_TTL_MS = 5000;
/** An unknown address is asked about again sooner: its port may be being created right now. */
const UNKNOWN_TTL_MS = 1000;

type Deps = Pick<ComputeDeps, 'network' | 'log'>;

interface PortAnswer {
  id: string;
  network_id: string;
  device_id: string;
  device_owner: string;
  fixed_ips: { ip_address: string; subnet_id: string }[];
}

/**
 * Which instance a metadata request comes from: the port on that network holding that fixed IP, if an instance
 * owns it. Lookups of one address that overlap share one call; answers are cached for a few seconds.
 */
export function createSourceLookup(deps: Deps) {
  const known = new TtlCache<string>(SOURCE_TTL_MS, 10_000);
  const unknown = new TtlCache<true>(UNKNOWN_TTL_MS, 10_000);
  const inFlight = new Map<string, Promise<string | undefined>>();
  const subnets = new TtlCache<ReadonlyMap<string, SubnetFacts>>(SOURCE_TTL_MS, 10_000);

  const ask = async (networkId: string, ip: string): Promise<string | undefined> => {
    const query = `network_id=${encodeURIComponent(networkId)}&fixed_ips=${encodeURIComponent(`ip_address=${ip}`)}`;
    const res = await deps.network.request({}, 'GET', `/v2.0/ports?${query}`);
    if (res.status !== 200) throw new Error(`network service: GET /v2.0/ports?${query} answered ${res.status}`);
    // Checked here again, not left to the filter: if Networking ignored a filter, the first port of the list
    // would be someone else's, and this answer decides whose data a guest reads.
    const matching = (res.body.ports as PortAnswer[]).filter(
      (p) => p.network_id === networkId && p.fixed_ips.some((f) => f.ip_address === ip),
    );
    if (matching.length !== 1) return undefined;
    const [port] = matching;
    if (!port?.device_id || !port.device_owner.startsWith('compute:')) return undefined;
    return port.device_id;
  };

  return {
    /**
     * The uuid of the instance behind (network, address); undefined for a stranger. `fresh` skips the cached
     * answers (the caller found a cached one that no longer fits).
     */
    async instanceAt(networkId: string, ip: string, opts: { fresh?: boolean } = {}): Promise<string | undefined> {
      if (isIP(ip) === 0) return undefined;
      const key = `${networkId} ${ip}`;
      if (opts.fresh) {
        known.deleteWhere((k) => k === key);
        unknown.deleteWhere((k) => k === key);
      }
      const hit = known.get(key);
      if (hit.found) return hit.value;
      if (unknown.get(key).found) return undefined;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = ask(networkId, ip).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const uuid = await pending;
      if (uuid) known.set(key, uuid);
      else unknown.set(key, true);
      return uuid;
    },

    /** The subnets an instance's addresses are on (for network_data.json), cached like the lookups. */
    async subnetsOf(instanceUuid: string, subnetIds: string[]): Promise<ReadonlyMap<string, SubnetFacts>> {
      const key = `${instanceUuid} ${[...subnetIds].sort().join(',')}`;
      const hit = subnets.get(key);
      if (hit.found) return hit.value;
      const found = new Map<string, SubnetFacts>();
      if (subnetIds.length > 0) {
        const query = subnetIds.map((id) => `id=${encodeURIComponent(id)}`).join('&');
        const res = await deps.network.request({}, 'GET', `/v2.0/subnets?${query}`);
        if (res.status !== 200) throw new Error(`network service: GET /v2.0/subnets answered ${res.status}`);
        for (const s of res.body.subnets as SubnetFacts[]) if (subnetIds.includes(s.id)) found.set(s.id, s);
      }
      subnets.set(key, found);
      return found;
    },

    /** Forgets every cached answer (a test, or a port that moved). */
    clear(): void {
      known.clear();
      unknown.clear();
      subnets.clear();
    },
  };
}

export type SourceLookup = ReturnType<typeof createSourceLookup>;
