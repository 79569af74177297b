import type { ComputeBase } from './deps.ts';
import { zoneOf } from './host-zones.ts';
import type { Microversion } from './microversion.ts';
import { novaTime } from './request-caller.ts';
import { serviceIsUp } from './service-liveness.ts';
import type { ServiceRow } from './tables.ts';

/** A compute service as os-services shows it: integer id before 2.53, its uuid from then; forced_down at 2.11. */
export function serviceView(
  deps: Pick<ComputeBase, 'config'>,
  s: ServiceRow,
  zones: Map<string, string>,
  mv: Microversion,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: mv.atLeast('2.53') ? s.uuid : s.id,
    binary: s.binary,
    host: s.host,
    zone: zoneOf(deps, zones, s.host, s.binary),
    status: s.disabled ? 'disabled' : 'enabled',
    state: serviceIsUp(s, deps.config.compute.serviceDownTime) ? 'up' : 'down',
    updated_at: novaTime(s.updated_at ?? s.last_seen_up),
    disabled_reason: s.disabled_reason,
  };
  if (mv.atLeast('2.11')) view.forced_down = Boolean(s.forced_down);
  return view;
}
