import { randomUUID } from 'node:crypto';
import type { StateReport } from './agent/rpc.ts';
import type { ComputeDeps } from './deps.ts';
import { parseJson } from './instance-cas.ts';
import type { ComputeNodeRow, FlavorSnapshot, ServiceRow } from './tables.ts';

// The integer ids are the database's (serial / autoincrement): rows are inserted without them.

/** A service's compute_services row at its first heartbeat: enabled, up as of `now`, one report so far. */
export function firstServiceRow(host: string, binary: string, topic: string, now: string): Omit<ServiceRow, 'id'> {
  return {
    uuid: randomUUID(),
    host,
    binary,
    topic,
    disabled: 0,
    disabled_reason: null,
    forced_down: 0,
    last_seen_up: now,
    report_count: 1,
    version: 61,
    created_at: now,
    updated_at: null,
  };
}

/**
 * A compute agent's heartbeat in the database: its `compute_services` row (up as of now; disabled and
 * forced_down stay as the API set them) and its host's `compute_nodes` row, with usage counted from the
 * instances the database places there. Returns the node's uuid (its resource provider in Placement).
 */
export async function recordHostReport(deps: ComputeDeps, report: StateReport): Promise<string> {
  const now = new Date().toISOString();
  const usage = await hostUsage(deps, report.host);
  return deps.db.transaction().execute(async (tx) => {
    const service = await tx
      .selectFrom('compute_services')
      .select(['id'])
      .where('host', '=', report.host)
      .where('binary', '=', 'nova-compute')
      .executeTakeFirst();
    let serviceId: number;
    if (service) {
      serviceId = service.id;
      await tx
        .updateTable('compute_services')
        .set((eb) => ({ last_seen_up: now, updated_at: now, report_count: eb('report_count', '+', 1) }))
        .where('id', '=', service.id)
        .execute();
    } else {
      await tx
        .insertInto('compute_services')
        .values(firstServiceRow(report.host, 'nova-compute', 'compute', now) as ServiceRow)
        .execute();
      serviceId = (
        await tx
          .selectFrom('compute_services')
          .select('id')
          .where('host', '=', report.host)
          .where('binary', '=', 'nova-compute')
          .executeTakeFirstOrThrow()
      ).id;
    }
    const r = report.resources;
    const memoryUsed = usage.memory_mb + deps.config.compute.reservedHostMemoryMb;
    const values = {
      service_id: serviceId,
      host: report.host,
      hypervisor_hostname: report.node || r.hypervisor_hostname || report.host,
      hypervisor_type: r.hypervisor_type,
      hypervisor_version: r.hypervisor_version,
      host_ip: r.host_ip,
      vcpus: r.vcpus,
      memory_mb: r.memory_mb,
      local_gb: r.local_gb,
      vcpus_used: usage.vcpus,
      memory_mb_used: memoryUsed,
      local_gb_used: usage.disk_gb,
      free_ram_mb: r.memory_mb - memoryUsed,
      free_disk_gb: r.local_gb - usage.disk_gb,
      running_vms: usage.count,
      cpu_info: JSON.stringify(r.cpu_info ?? {}),
      disk_available_least: r.disk_available_least,
    };
    const node = await tx
      .selectFrom('compute_nodes')
      .select(['id', 'uuid'])
      .where('host', '=', report.host)
      .executeTakeFirst();
    if (node) {
      await tx
        .updateTable('compute_nodes')
        .set({ ...values, updated_at: now })
        .where('id', '=', node.id)
        .execute();
      return node.uuid;
    }
    const uuid = randomUUID();
    await tx
      .insertInto('compute_nodes')
      .values({ ...values, uuid, created_at: now, updated_at: null } as ComputeNodeRow)
      .execute();
    return uuid;
  });
}

/** What the instances the database places on a host use (Nova's resource tracker, from the flavors). */
async function hostUsage(deps: ComputeDeps, host: string) {
  const rows = await deps.db
    .selectFrom('instances')
    .select(['flavor'])
    .where('host', '=', host)
    .where('deleted', '=', 0)
    .execute();
  const usage = { count: rows.length, vcpus: 0, memory_mb: 0, disk_gb: 0 };
  for (const r of rows) {
    const f = parseJson<Partial<FlavorSnapshot>>(r.flavor, {});
    usage.vcpus += f.vcpus ?? 0;
    usage.memory_mb += f.memory_mb ?? 0;
    usage.disk_gb += (f.root_gb ?? 0) + (f.ephemeral_gb ?? 0) + Math.ceil((f.swap ?? 0) / 1024);
  }
  return usage;
}

/** The host's inventory as Placement keeps it, with the configured ratios and reservation. */
export function inventoryOf(deps: ComputeDeps, report: StateReport) {
  const c = deps.config.compute;
  const r = report.resources;
  return {
    VCPU: { total: r.vcpus, reserved: 0, allocation_ratio: c.cpuAllocationRatio, max_unit: r.vcpus },
    MEMORY_MB: {
      total: r.memory_mb,
      reserved: c.reservedHostMemoryMb,
      allocation_ratio: c.ramAllocationRatio,
      max_unit: r.memory_mb,
    },
    DISK_GB: { total: r.local_gb, reserved: 0, allocation_ratio: c.diskAllocationRatio, max_unit: r.local_gb },
  };
}

/** The uuids of the aggregates a host is in (Placement mirrors Nova's host aggregates). */
export async function aggregateUuidsOf(deps: ComputeDeps, host: string): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregates as a', 'a.id', 'h.aggregate_id')
    .select('a.uuid')
    .where('h.host', '=', host)
    .orderBy('a.uuid')
    .execute();
  return rows.map((r) => r.uuid);
}
