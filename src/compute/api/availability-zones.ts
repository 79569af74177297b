import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { hostZones, INTERNAL_ZONE, zoneOf } from '../host-zones.ts';
import { novaTime } from '../request-caller.ts';
import { enforceNova } from '../server-access.ts';
import { serviceIsUp } from '../service-liveness.ts';

interface ZoneEntry {
  zoneName: string;
  zoneState: { available: boolean };
  hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string | null }>> | null;
}

/**
 * /os-availability-zone: zones from the hosts' aggregates (else the default zone), available while one of their
 * compute services is enabled and up. `/detail` (admins) adds each host's services and the internal zone.
 */
export function availabilityZoneRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const zonesOf = async (detail: boolean): Promise<ZoneEntry[]> => {
    const services = await deps.db.selectFrom('compute_services').selectAll().orderBy('host').execute();
    const zones = await hostZones(deps);
    const out = new Map<string, ZoneEntry>();
    for (const s of services) {
      const name = zoneOf(deps, zones, s.host, s.binary);
      if (name === INTERNAL_ZONE && !detail) continue;
      const up = serviceIsUp(s, deps.config.compute.serviceDownTime);
      const entry = out.get(name) ?? { zoneName: name, zoneState: { available: false }, hosts: detail ? {} : null };
      if (up && !s.disabled) entry.zoneState.available = true;
      if (entry.hosts) {
        const host = entry.hosts[s.host] ?? {};
        host[s.binary] = { available: up, active: !s.disabled, updated_at: novaTime(s.updated_at ?? s.last_seen_up) };
        entry.hosts[s.host] = host;
      }
      out.set(name, entry);
    }
    return [...out.values()].sort((a, b) => Number(b.zoneState.available) - Number(a.zoneState.available));
  };

  app.get('/v2.1/os-availability-zone', async (req) => {
    enforceNova(req, 'os_compute_api:os-availability-zone:list', {});
    return { availabilityZoneInfo: await zonesOf(false) };
  });

  app.get('/v2.1/os-availability-zone/detail', async (req) => {
    enforceNova(req, 'os_compute_api:os-availability-zone:detail', {});
    return { availabilityZoneInfo: await zonesOf(true) };
  });
}
