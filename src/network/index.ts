import type { ServiceModule } from '../core/http/service.ts';
import { networksRoutes } from './api/networks.ts';
import { versionRoutes } from './api/versions.ts';
import type { NetworkDeps } from './deps.ts';
import { neutronErrorBody } from './errors.ts';
import * as m0001 from './migrations/0001-networks.ts';
import { networkServicePolicies } from './policies.ts';
import type { NetworkDb } from './tables.ts';

const ROUTES = [versionRoutes, networksRoutes];

/**
 * Networking (Neutron v2.0): networks, subnets and IPAM, ports, routers, floating IPs, security groups, quotas.
 * The API records desired state; each host's network agent realizes it through its dataplane driver.
 */
export const network: ServiceModule = {
  name: 'network',
  prefix: '/networking',
  // Neutron's catalog URL carries no version; clients add /v2.0.
  catalog: { type: 'network', name: 'neutron', path: '' },
  migrations: { '0001-networks': m0001 },
  policies: networkServicePolicies,
  errorBody: neutronErrorBody,

  async create(ctx) {
    const deps: NetworkDeps = {
      db: ctx.db as NetworkDb,
      config: ctx.config,
      bus: ctx.bus,
      log: ctx.log,
      url: (path) => `${ctx.publicUrl()}/networking${path}`,
    };
    return {
      routes: (app) => {
        for (const register of ROUTES) register(app, deps);
      },
      describe: () => [`network: tenant networks ${deps.config.network.tenantNetworkType}, dataplane noop`],
    };
  },
};
