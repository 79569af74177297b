import type { PolicyRule } from '../../core/policy/enforcer.ts';
import { ANY, adminRule, memberRule, readerRule, rule } from './base.ts';

const admin = (family: string, actions: string[]) => actions.map((a) => adminRule(`os_compute_api:${family}:${a}`));

/**
 * nova/policies/{availability_zone,hypervisors,services,aggregates,hosts,migrations,servers_migrations,
 * simple_tenant_usage,instance_actions,server_diagnostics,remote_consoles,instance_usage_audit_log}.py
 */
export const adminPolicies: readonly PolicyRule[] = [
  rule('os_compute_api:os-availability-zone:list', ANY),
  adminRule('os_compute_api:os-availability-zone:detail'),
  ...admin('os-hypervisors', ['list', 'list-detail', 'statistics', 'show', 'uptime', 'search', 'servers']),
  ...admin('os-services', ['list', 'update', 'delete']),
  ...admin('os-aggregates', [
    'index',
    'create',
    'show',
    'update',
    'delete',
    'add_host',
    'remove_host',
    'set_metadata',
    'images',
  ]),
  ...admin('os-hosts', ['list', 'show', 'update', 'reboot', 'shutdown', 'start']),
  adminRule('os_compute_api:os-migrations:index'),
  adminRule('os_compute_api:servers:migrations:index'),
  adminRule('os_compute_api:servers:migrations:show'),
  readerRule('os_compute_api:os-simple-tenant-usage:show'),
  adminRule('os_compute_api:os-simple-tenant-usage:list'),
  readerRule('os_compute_api:os-instance-actions:list'),
  readerRule('os_compute_api:os-instance-actions:show'),
  adminRule('os_compute_api:os-instance-actions:events'),
  adminRule('os_compute_api:os-instance-actions:events:details'),
  adminRule('os_compute_api:os-server-diagnostics'),
  adminRule('os_compute_api:os-instance-usage-audit-log:list'),
  adminRule('os_compute_api:os-instance-usage-audit-log:show'),
  memberRule('os_compute_api:os-remote-consoles'),
];
