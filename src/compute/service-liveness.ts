import type { ServiceRow } from './tables.ts';

/**
 * Nova's servicegroup check: a service is up when it is not forced down and reported within
 * `serviceDownTime` seconds. Used by os-services, hypervisors, the scheduler and the dead-host sweep.
 */
export function serviceIsUp(
  row: Pick<ServiceRow, 'forced_down' | 'last_seen_up'>,
  serviceDownTime: number,
  now = Date.now(),
): boolean {
  if (row.forced_down) return false;
  if (!row.last_seen_up) return false;
  return now - Date.parse(row.last_seen_up) <= serviceDownTime * 1000;
}
