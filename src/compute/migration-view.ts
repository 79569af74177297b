import type { Microversion } from './microversion.ts';
import { novaTime } from './request-caller.ts';
import type { MigrationRow } from './tables.ts';

/** Nova's flavor ids in migrations are its integer keys; Strata's flavors have none unless the id is numeric. */
const flavorKey = (id: string | null) => (id !== null && /^\d+$/.test(id) ? Number(id) : null);

/** An os-migrations entry: `migration_type` (and links for live migrations in progress) 2.23, uuid 2.59, owner 2.80. */
export function migrationView(m: MigrationRow, mv: Microversion, url: (p: string) => string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: m.id,
    status: m.status,
    instance_uuid: m.instance_uuid,
    source_node: m.source_node,
    source_compute: m.source_compute,
    dest_node: m.dest_node,
    dest_compute: m.dest_compute,
    dest_host: m.dest_host,
    old_instance_type_id: flavorKey(m.old_instance_type_id),
    new_instance_type_id: flavorKey(m.new_instance_type_id),
    created_at: novaTime(m.created_at),
    updated_at: novaTime(m.updated_at),
  };
  if (mv.atLeast('2.23')) {
    view.migration_type = m.migration_type;
    if (m.migration_type === 'live-migration' && inProgress(m.status)) {
      const path = `/servers/${m.instance_uuid}/migrations/${m.id}`;
      view.links = [
        { rel: 'self', href: url(`/v2.1${path}`) },
        { rel: 'bookmark', href: url(path) },
      ];
    }
  }
  if (mv.atLeast('2.59')) view.uuid = m.uuid;
  if (mv.atLeast('2.80')) {
    view.user_id = m.user_id;
    view.project_id = m.project_id;
  }
  return view;
}

/** A live migration still running (Nova's in-progress statuses). */
export const inProgress = (status: string) =>
  ['queued', 'preparing', 'running', 'post-migrating', 'accepted', 'pre-migrating', 'migrating'].includes(status);

/** /servers/{id}/migrations entries: in-progress live migrations with (unknown here: zero) memory/disk figures. */
export function serverMigrationView(m: MigrationRow, mv: Microversion): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: m.id,
    server_uuid: m.instance_uuid,
    status: m.status,
    source_compute: m.source_compute,
    source_node: m.source_node,
    dest_compute: m.dest_compute,
    dest_host: m.dest_host,
    dest_node: m.dest_node,
    created_at: novaTime(m.created_at),
    updated_at: novaTime(m.updated_at),
    memory_total_bytes: null,
    memory_processed_bytes: null,
    memory_remaining_bytes: null,
    disk_total_bytes: null,
    disk_processed_bytes: null,
    disk_remaining_bytes: null,
  };
  if (mv.atLeast('2.59')) view.uuid = m.uuid;
  if (mv.atLeast('2.80')) {
    view.user_id = m.user_id;
    view.project_id = m.project_id;
  }
  return view;
}
