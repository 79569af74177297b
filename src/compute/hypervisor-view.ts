import type { ComputeBase } from './deps.ts';
import type { Microversion } from './microversion.ts';
import { serviceIsUp } from './service-liveness.ts';
import type { ComputeNodeRow, ServiceRow } from './tables.ts';

export interface NodeWithService {
  node: ComputeNodeRow;
  service: ServiceRow | undefined;
}

/** id / hypervisor_hostname / state / status: the list entry (and the base of every other form). */
export function hypervisorSummary(
  deps: Pick<ComputeBase, 'config'>,
  { node, service }: NodeWithService,
  mv: Microversion,
): Record<string, unknown> {
  return {
    id: mv.atLeast('2.53') ? node.uuid : node.id,
    hypervisor_hostname: node.hypervisor_hostname,
    state: service && serviceIsUp(service, deps.config.compute.serviceDownTime) ? 'up' : 'down',
    status: service?.disabled ? 'disabled' : 'enabled',
  };
}

/**
 * The detail form: the node's resources until 2.88 drops the usage figures (uptime joins then); cpu_info a JSON
 * string before 2.28, an object from then; the service by integer id, or uuid from 2.53.
 */
export function hypervisorDetail(
  deps: Pick<ComputeBase, 'config'>,
  entry: NodeWithService,
  mv: Microversion,
  extra: { currentWorkload: number; uptime?: string },
): Record<string, unknown> {
  const { node, service } = entry;
  const cpuInfo = mv.atLeast('2.28') ? JSON.parse(node.cpu_info || '{}') : node.cpu_info || '{}';
  const view: Record<string, unknown> = {
    ...hypervisorSummary(deps, entry, mv),
    hypervisor_type: node.hypervisor_type,
    hypervisor_version: node.hypervisor_version,
    host_ip: node.host_ip,
    cpu_info: cpuInfo,
    service: {
      host: node.host,
      id: mv.atLeast('2.53') ? (service?.uuid ?? '') : node.service_id,
      disabled_reason: service?.disabled_reason ?? null,
    },
  };
  if (mv.atLeast('2.88')) view.uptime = extra.uptime ?? null;
  else
    Object.assign(view, {
      vcpus: node.vcpus,
      memory_mb: node.memory_mb,
      local_gb: node.local_gb,
      vcpus_used: node.vcpus_used,
      memory_mb_used: node.memory_mb_used,
      local_gb_used: node.local_gb_used,
      free_ram_mb: node.free_ram_mb,
      free_disk_gb: node.free_disk_gb,
      current_workload: extra.currentWorkload,
      running_vms: node.running_vms,
      disk_available_least: node.disk_available_least,
    });
  return view;
}
