import type { ServiceApp } from '../../core/http/service.ts';
import type { NetworkDeps } from '../deps.ts';

/** Collections /v2.0 lists (each resource family adds its own as it is built). */
export const COLLECTIONS: [member: string, collection: string][] = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['port', 'ports'],
  ['subnetpool', 'subnetpools'],
  ['address_scope', 'address-scopes'],
  ['router', 'routers'],
  ['floatingip', 'floatingips'],
  ['quota', 'quotas'],
  ['rbac_policy', 'rbac-policies'],
  ['network_ip_availability', 'network-ip-availabilities'],
  ['agent', 'agents'],
  ['availability_zone', 'availability_zones'],
  ['security_group', 'security-groups'],
  ['security_group_rule', 'security-group-rules'],
];

/** GET /networking/: the one API version, v2.0; GET /networking/v2.0: its resources. */
export function versionRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/', { config: { public: true } }, async () => ({
    versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: deps.url('/v2.0/') }] }],
  }));
  app.get('/v2.0', async () => ({
    resources: COLLECTIONS.map(([name, collection]) => ({
      name,
      collection,
      links: [{ rel: 'self', href: deps.url(`/v2.0/${collection}`) }],
    })),
  }));
}
