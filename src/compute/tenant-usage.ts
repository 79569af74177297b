import { badRequest } from './errors.ts';
import type { FlavorSnapshot, InstanceRow } from './tables.ts';

type UsageRow = Pick<
  InstanceRow,
  | 'uuid'
  | 'project_id'
  | 'display_name'
  | 'flavor'
  | 'vm_state'
  | 'launched_at'
  | 'created_at'
  | 'terminated_at'
  | 'deleted_at'
  | 'deleted'
>;

/** Nova's accepted time formats for start/end (`2026-12-01T00:00:00`, with microseconds, or a space). */
export function parseUsageTime(name: 'start' | 'end', value: string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d{1,6})?$/.exec(value.trim());
  const t = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4) : ''}Z`) : Number.NaN;
  if (Number.isNaN(t)) throw badRequest(`Invalid ${name} time. The ${name} time must be in a supported format.`);
  return new Date(t);
}

const isoNoZone = (d: Date) =>
  d
    .toISOString()
    .replace('Z', '')
    .replace(/\.(\d{3})$/, '.$1000');

export interface ServerUsage {
  instance_id: string;
  name: string;
  hours: number;
  memory_mb: number;
  local_gb: number;
  vcpus: number;
  tenant_id: string;
  flavor: string;
  started_at: string;
  ended_at: string | null;
  state: string;
  uptime: number;
}

/**
 * One server's usage within [start, end]: hours from launch (or start) up to its deletion or the end of the
 * window, as Nova charges a running server up to the window's end; undefined if it was not active then.
 */
export function serverUsage(row: UsageRow, start: Date, end: Date, now = new Date()): ServerUsage | undefined {
  // Nova counts servers active in the window (get_active_by_window_joined): never launched means no usage.
  if (!row.launched_at) return undefined;
  const began = new Date(row.launched_at);
  const ended = row.terminated_at ?? row.deleted_at;
  const stop = ended ? new Date(ended) : undefined;
  if (began > end || (stop && stop < start)) return undefined;
  const from = began > start ? began : start;
  const to = stop && stop < end ? stop : end;
  const hours = Math.max(0, (to.getTime() - from.getTime()) / 3_600_000);
  const f = JSON.parse(row.flavor) as Partial<FlavorSnapshot>;
  const uptimeEnd = stop ?? now;
  return {
    instance_id: row.uuid,
    name: row.display_name,
    hours,
    memory_mb: f.memory_mb ?? 0,
    local_gb: (f.root_gb ?? 0) + (f.ephemeral_gb ?? 0),
    vcpus: f.vcpus ?? 0,
    tenant_id: row.project_id,
    flavor: f.name ?? '',
    started_at: isoNoZone(began),
    ended_at: stop ? isoNoZone(stop) : null,
    state: row.deleted ? 'terminated' : row.vm_state,
    uptime: Math.max(0, Math.floor((uptimeEnd.getTime() - began.getTime()) / 1000)),
  };
}

/** A project's totals over its servers' usages, as Nova's tenant_usage entry. */
export function tenantUsage(projectId: string, usages: ServerUsage[], start: Date, end: Date, detailed: boolean) {
  const total = (f: (u: ServerUsage) => number) => usages.reduce((n, u) => n + f(u), 0);
  const out: Record<string, unknown> = {
    tenant_id: projectId,
    total_local_gb_usage: total((u) => u.local_gb * u.hours),
    total_vcpus_usage: total((u) => u.vcpus * u.hours),
    total_memory_mb_usage: total((u) => u.memory_mb * u.hours),
    total_hours: total((u) => u.hours),
    start: isoNoZone(start),
    stop: isoNoZone(end),
  };
  if (detailed) out.server_usages = usages;
  return out;
}
