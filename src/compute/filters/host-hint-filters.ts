import type { HostFilter } from './host-state.ts';

/** Nova's SameHostFilter: `same_host` hint servers' hosts only (no hint, or none of them placed: anywhere). */
export const sameHostFilter: HostFilter = {
  name: 'SameHostFilter',
  passes: (host, req) => !req.sameHostAs || req.sameHostAs.size === 0 || req.sameHostAs.has(host.host),
};

/** Nova's DifferentHostFilter: never a host of the `different_host` hint servers. */
export const differentHostFilter: HostFilter = {
  name: 'DifferentHostFilter',
  passes: (host, req) => !req.differentHostFrom?.has(host.host),
};

/** A hint's instance uuids, given as one string or a list (the CLI repeats `--hint same_host=`). */
export function hintUuids(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}
