import type { Bus } from '../core/bus/bus.ts';
import type { InstanceRow } from './tables.ts';

/**
 * Nova's legacy instance notifications, `compute.instance.<action>.start|.end|.error` with publisher
 * `compute.<host>` (`compute.conductor` before a host is chosen), which the dashboard and telemetry consume.
 */
export type Phase = 'start' | 'end' | 'error';

/** Nova's notification name of each agent method (the event is `compute_<method>`). */
const ACTION_OF_METHOD: Record<string, string> = {
  _do_build_and_run_instance: 'create',
  build_and_run_instance: 'create',
  terminate_instance: 'delete',
  reboot_instance: 'reboot',
  stop_instance: 'power_off',
  start_instance: 'power_on',
  pause_instance: 'pause',
  unpause_instance: 'unpause',
  suspend_instance: 'suspend',
  resume_instance: 'resume',
  rescue_instance: 'rescue',
  unrescue_instance: 'unrescue',
  rebuild_instance: 'rebuild',
  resize_instance: 'resize',
  finish_resize: 'finish_resize',
  confirm_resize: 'resize.confirm',
  revert_resize: 'resize.revert',
  finish_revert_resize: 'resize.revert',
  snapshot_instance: 'snapshot',
  shelve_instance: 'shelve',
  shelve_offload_instance: 'shelve_offload',
  unshelve_instance: 'unshelve',
  live_migration: 'live_migration',
  attach_interface: 'interface_attach',
  detach_interface: 'interface_detach',
};

/** `compute_reboot_instance` → 'reboot'; unknown events keep their method name. */
export function actionOfEvent(event: string): string {
  const method = event.startsWith('compute_') ? event.slice('compute_'.length) : event;
  return ACTION_OF_METHOD[method] ?? method;
}

type InstanceFacts = Pick<
  InstanceRow,
  'uuid' | 'project_id' | 'user_id' | 'display_name' | 'vm_state' | 'task_state' | 'power_state' | 'host' | 'node'
> &
  Partial<Pick<InstanceRow, 'availability_zone' | 'image_ref' | 'flavor' | 'launched_at' | 'created_at'>>;

export function instancePayload(row: InstanceFacts, extra: Record<string, unknown> = {}): Record<string, unknown> {
  let flavor: Record<string, unknown> | undefined;
  try {
    flavor = row.flavor ? JSON.parse(row.flavor) : undefined;
  } catch {}
  return {
    instance_id: row.uuid,
    uuid: row.uuid,
    tenant_id: row.project_id,
    project_id: row.project_id,
    user_id: row.user_id,
    display_name: row.display_name,
    state: row.vm_state,
    task_state: row.task_state,
    power_state: row.power_state,
    host: row.host,
    node: row.node,
    availability_zone: row.availability_zone ?? null,
    image_ref_url: row.image_ref ?? null,
    instance_type: flavor?.name ?? null,
    memory_mb: flavor?.memory_mb ?? null,
    vcpus: flavor?.vcpus ?? null,
    launched_at: row.launched_at ?? null,
    created_at: row.created_at ?? null,
    ...extra,
  };
}

export async function notifyInstance(
  bus: Bus,
  action: string,
  phase: Phase | null,
  row: InstanceFacts,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await bus.notify({
    event_type: phase ? `compute.instance.${action}.${phase}` : `compute.instance.${action}`,
    publisher_id: `compute.${row.host ?? 'conductor'}`,
    priority: phase === 'error' ? 'ERROR' : 'INFO',
    payload: instancePayload(row, extra),
  });
}
