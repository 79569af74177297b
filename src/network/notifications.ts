import type { NetworkDeps } from './deps.ts';

/**
 * Neutron's notifications: `<member>.<create|update|delete>.end` with `{<member>: view}` (delete: also
 * `<member>_id`), which compute, DNS, telemetry and the dashboard consume.
 */
export async function notifyChange(
  deps: NetworkDeps,
  member: string,
  action: 'create' | 'update' | 'delete',
  view: Record<string, unknown>,
): Promise<void> {
  const payload: Record<string, unknown> = { [member]: view };
  if (action === 'delete') payload[`${member}_id`] = view.id;
  await deps.bus.notify({ event_type: `${member}.${action}.end`, publisher_id: 'network', payload });
}
