import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { enforceNova } from '../server-access.ts';

/**
 * Nova's frozen extension list (`GET /extensions`): since microversions replaced extensions the list no longer
 * changes, but clients still read it to see what the cloud offers (Tempest looks up `os-consoles`). Names are
 * the aliases' words; the aliases are Nova's.
 */
const ALIASES = [
  'NMN',
  'OS-DCF',
  'OS-EXT-AZ',
  'OS-EXT-IMG-SIZE',
  'OS-EXT-IPS',
  'OS-EXT-IPS-MAC',
  'OS-EXT-SRV-ATTR',
  'OS-EXT-STS',
  'OS-FLV-DISABLED',
  'OS-FLV-EXT-DATA',
  'OS-SCH-HNT',
  'OS-SRV-USG',
  'os-access-ips',
  'os-admin-actions',
  'os-admin-password',
  'os-aggregates',
  'os-assisted-volume-snapshots',
  'os-attach-interfaces',
  'os-availability-zone',
  'os-block-device-mapping',
  'os-block-device-mapping-v2-boot',
  'os-config-drive',
  'os-console-auth-tokens',
  'os-console-output',
  'os-consoles',
  'os-create-backup',
  'os-create-server-ext',
  'os-deferred-delete',
  'os-evacuate',
  'os-extended-evacuate-find-host',
  'os-extended-floating-ips',
  'os-extended-hypervisors',
  'os-extended-networks',
  'os-extended-quotas',
  'os-extended-rescue-with-image',
  'os-extended-services',
  'os-extended-services-delete',
  'os-extended-status',
  'os-extended-volumes',
  'os-flavor-access',
  'os-flavor-extra-specs',
  'os-flavor-manage',
  'os-flavor-rxtx',
  'os-flavor-swap',
  'os-floating-ip-pools',
  'os-floating-ips',
  'os-hide-server-addresses',
  'os-hosts',
  'os-hypervisor-status',
  'os-hypervisors',
  'os-instance-actions',
  'os-instance_usage_audit_log',
  'os-keypairs',
  'os-lock-server',
  'os-migrate-server',
  'os-migrations',
  'os-multiple-create',
  'os-networks',
  'os-pause-server',
  'os-personality',
  'os-preserve-ephemeral-rebuild',
  'os-quota-class-sets',
  'os-quota-sets',
  'os-rescue',
  'os-security-groups',
  'os-server-diagnostics',
  'os-server-external-events',
  'os-server-group-quotas',
  'os-server-groups',
  'os-server-list-multi-status',
  'os-server-password',
  'os-server-sort-keys',
  'os-server-start-stop',
  'os-services',
  'os-shelve',
  'os-simple-tenant-usage',
  'os-suspend-server',
  'os-tenant-networks',
  'os-used-limits',
  'os-used-limits-for-admin',
  'os-user-data',
  'os-user-quotas',
  'os-virtual-interfaces',
  'os-volume-attachment-update',
  'os-volumes',
];

const nameOf = (alias: string) =>
  alias
    .replace(/^os-/i, '')
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('');

const EXTENSIONS = ALIASES.map((alias) => ({
  alias,
  name: nameOf(alias),
  description: `${nameOf(alias)} support.`,
  namespace: 'http://docs.openstack.org/compute/ext/fake_xml',
  updated: '2014-12-03T00:00:00Z',
  links: [],
}));

export function extensionRoutes(app: ServiceApp, _deps: ComputeDeps): void {
  app.get('/v2.1/extensions', async (req) => {
    enforceNova(req, 'os_compute_api:extensions', {});
    return { extensions: EXTENSIONS };
  });
  app.get<{ Params: { alias: string } }>('/v2.1/extensions/:alias', async (req) => {
    enforceNova(req, 'os_compute_api:extensions', {});
    const extension = EXTENSIONS.find((e) => e.alias === req.params.alias);
    if (!extension) throw notFound('Resource not found.');
    return { extension };
  });
}
