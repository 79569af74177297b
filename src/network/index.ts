import type { ServiceModule } from '../core/http/service.ts';
import { inProcessNetworkAgent } from './agent/in-process.ts';
import { addressScopesRoutes } from './api/address-scopes.ts';
import { agentsRoutes } from './api/agents.ts';
import { availabilityZonesRoutes } from './api/availability-zones.ts';
import { extensionsRoutes } from './api/extensions.ts';
import { floatingIpsRoutes } from './api/floating-ips.ts';
import { networkIpAvailabilityRoutes } from './api/network-ip-availabilities.ts';
import { networksRoutes } from './api/networks.ts';
import { portForwardingsRoutes } from './api/port-forwardings.ts';
import { portsRoutes } from './api/ports.ts';
import { quotasRoutes } from './api/quotas.ts';
import { rbacPoliciesRoutes } from './api/rbac-policies.ts';
import { routersRoutes } from './api/routers.ts';
import { securityGroupRulesRoutes } from './api/security-group-rules.ts';
import { securityGroupsRoutes } from './api/security-groups.ts';
import { subnetPoolsRoutes } from './api/subnetpools.ts';
import { subnetsRoutes } from './api/subnets.ts';
import { tagsRoutes } from './api/tags.ts';
import { versionRoutes } from './api/versions.ts';
import { acceptJsonWithoutContentType } from './body-parser.ts';
import type { NetworkDeps } from './deps.ts';
import { neutronErrorBody } from './errors.ts';
import * as m0001 from './migrations/0001-networks.ts';
import * as m0002 from './migrations/0002-subnets.ts';
import * as m0003 from './migrations/0003-ports.ts';
import * as m0004 from './migrations/0004-routers.ts';
import * as m0005 from './migrations/0005-security-groups.ts';
import * as m0006 from './migrations/0006-quotas.ts';
import * as m0007 from './migrations/0007-agents.ts';
import { networkServicePolicies } from './policies.ts';
import type { NetworkDb } from './tables.ts';

const ROUTES = [
  versionRoutes,
  networksRoutes,
  subnetsRoutes,
  portsRoutes,
  subnetPoolsRoutes,
  addressScopesRoutes,
  routersRoutes,
  floatingIpsRoutes,
  portForwardingsRoutes,
  securityGroupsRoutes,
  securityGroupRulesRoutes,
  agentsRoutes,
  availabilityZonesRoutes,
  extensionsRoutes,
  quotasRoutes,
  tagsRoutes,
  rbacPoliciesRoutes,
  networkIpAvailabilityRoutes,
];

/**
 * Networking (Neutron v2.0): networks, subnets and IPAM, ports, routers, floating IPs, security groups, quotas.
 * The API records desired state; each host's network agent realizes it through its dataplane driver.
 */
export const network: ServiceModule = {
  name: 'network',
  prefix: '/networking',
  // Neutron's catalog URL carries no version; clients add /v2.0.
  catalog: { type: 'network', name: 'neutron', path: '' },
  migrations: {
    '0001-networks': m0001,
    '0002-subnets': m0002,
    '0003-ports': m0003,
    '0004-routers': m0004,
    '0005-security-groups': m0005,
    '0006-quotas': m0006,
    '0007-agents': m0007,
  },
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
    const agent = inProcessNetworkAgent(deps);
    return {
      start: agent.start,
      stop: agent.stop,
      routes: (app) => {
        acceptJsonWithoutContentType(app);
        for (const register of ROUTES) register(app, deps);
      },
      describe: () => [`network: tenant networks ${deps.config.network.tenantNetworkType}, ${agent.describe()}`],
    };
  },
};
