import type { Subscription } from '../core/bus/bus.ts';
import type { ServiceApp, ServiceModule } from '../core/http/service.ts';
import { createServiceClient } from '../core/service-client.ts';
import { serviceAuthUrl, serviceCredentials } from '../core/service-credentials.ts';
import { inProcessComputeAgents } from './agent/in-process.ts';
import { serveComputeAgents } from './agent-server.ts';
import { aggregateRoutes } from './api/aggregates.ts';
import { availabilityZoneRoutes } from './api/availability-zones.ts';
import { diagnosticsRoutes } from './api/diagnostics.ts';
import { extensionRoutes } from './api/extensions.ts';
import { externalEventsRoutes } from './api/external-events.ts';
import { flavorAccessRoutes } from './api/flavor-access.ts';
import { flavorExtraSpecsRoutes } from './api/flavor-extra-specs.ts';
import { flavorRoutes } from './api/flavors.ts';
import { floatingIpsProxyRoutes } from './api/floating-ips-proxy.ts';
import { hostRoutes } from './api/hosts.ts';
import { hypervisorRoutes } from './api/hypervisors.ts';
import { imagesProxyRoutes } from './api/images-proxy.ts';
import { instanceActionRoutes } from './api/instance-actions.ts';
import { instanceUsageAuditLogRoutes } from './api/instance-usage-audit-log.ts';
import { interfacesRoutes } from './api/interfaces.ts';
import { keypairRoutes } from './api/keypairs.ts';
import { limitsRoutes } from './api/limits.ts';
import { migrationRoutes } from './api/migrations.ts';
import { networksProxyRoutes } from './api/networks-proxy.ts';
import { quotaClassRoutes } from './api/quota-classes.ts';
import { quotaSetRoutes } from './api/quota-sets.ts';
import { remoteConsoleRoutes } from './api/remote-consoles.ts';
import { securityGroupsProxyRoutes } from './api/security-groups-proxy.ts';
import { serverActionRoutes } from './api/server-actions.ts';
import { serverGroupRoutes } from './api/server-groups.ts';
import { serverIpsRoutes } from './api/server-ips.ts';
import { serverMetadataRoutes } from './api/server-metadata.ts';
import { serverPasswordRoutes } from './api/server-password.ts';
import { serverTagsRoutes } from './api/server-tags.ts';
import { serversRoutes } from './api/servers.ts';
import { serviceRoutes } from './api/services.ts';
import { simpleTenantUsageRoutes } from './api/simple-tenant-usage.ts';
import { versionsRoutes } from './api/versions.ts';
import { virtualInterfacesRoutes } from './api/virtual-interfaces.ts';
import { createImageClient } from './clients/image.ts';
import { createNetworkClient } from './clients/network.ts';
import { createConductor } from './conductor.ts';
import { startControllerServices } from './controller-services.ts';
import type { ComputeBase, ComputeDeps } from './deps.ts';
import { novaErrorBody } from './errors.ts';
import { startHostMonitor } from './host-monitor.ts';
import { infoCacheOf } from './info-cache.ts';
import { type MetadataServer, startMetadataServer } from './metadata/server.ts';
import { negotiateMicroversion } from './microversion.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0050 from './migrations/0050-console-auth-tokens.ts';
import { createPlacementClient } from './placement-client.ts';
import { computeServicePolicies } from './policies.ts';
import { seedFlavors } from './seed-flavors.ts';
import type { ComputeDb } from './tables.ts';

type Routes = (app: ServiceApp, deps: ComputeDeps) => void;

/** Route families; each resource's file under api/ registers its own paths (below /v2.1). */
const ROUTES: Routes[] = [
  // servers, versions (task B)
  versionsRoutes,
  extensionRoutes,
  serversRoutes,
  serverActionRoutes,
  serverMetadataRoutes,
  serverTagsRoutes,
  serverIpsRoutes,
  serverPasswordRoutes,
  // proxies, interfaces, external events (task E)
  imagesProxyRoutes,
  securityGroupsProxyRoutes,
  floatingIpsProxyRoutes,
  networksProxyRoutes,
  interfacesRoutes,
  externalEventsRoutes,
  virtualInterfacesRoutes,
  // flavors, key pairs and the admin resources (task F)
  instanceUsageAuditLogRoutes,
  diagnosticsRoutes,
  remoteConsoleRoutes,
  simpleTenantUsageRoutes,
  migrationRoutes,
  instanceActionRoutes,
  hostRoutes,
  aggregateRoutes,
  hypervisorRoutes,
  serviceRoutes,
  availabilityZoneRoutes,
  serverGroupRoutes,
  limitsRoutes,
  quotaClassRoutes,
  quotaSetRoutes,
  keypairRoutes,
  flavorRoutes,
  flavorExtraSpecsRoutes,
  flavorAccessRoutes,
];

/**
 * Compute (Nova v2.1 with microversions 2.1–2.93): the API records desired state and hands long work to the
 * conductor, which schedules through Placement and casts to the compute agent of the chosen host; agents act
 * through their hypervisor driver and report back over the bus.
 */
export const compute: ServiceModule = {
  name: 'compute',
  prefix: '/compute',
  catalog: { type: 'compute', name: 'nova', path: '/v2.1' },
  migrations: { '0001-initial': m0001, '0050-console-auth-tokens': m0050 },
  policies: computeServicePolicies,
  errorBody: novaErrorBody,

  async create(ctx) {
    const base: ComputeBase = {
      db: ctx.db as ComputeDb,
      config: ctx.config,
      bus: ctx.bus,
      log: ctx.log,
      url: (path) => `${ctx.publicUrl()}/compute${path}`,
      publicUrl: ctx.publicUrl,
      services: createServiceClient({
        authUrl: () => serviceAuthUrl(ctx.config, ctx.publicUrl()),
        credentials: () => serviceCredentials(ctx.config),
        log: ctx.log,
      }),
    };
    const deps = {
      ...base,
      image: createImageClient(base),
      network: createNetworkClient(base),
      placement: createPlacementClient(base),
    } as ComputeDeps;
    deps.conductor = createConductor(deps);
    const agents = inProcessComputeAgents(deps);
    let subs: Subscription[] = [];
    let metadata: MetadataServer | undefined;
    let metadataState = 'not started';
    return {
      async start() {
        await seedFlavors(deps);
        // Before the agents: a guest they start asks for its metadata within seconds. A socket that cannot be
        // had leaves guests without the service (config drives still work) rather than the cloud without Compute.
        try {
          metadata = await startMetadataServer(deps);
          metadataState = `metadata service on ${metadata.socketPath}`;
        } catch (err) {
          metadataState = `metadata service not running: ${(err as Error).message}`;
          ctx.log.error({ err }, 'the metadata service could not start');
        }
        subs = [serveComputeAgents(deps), infoCacheOf(deps).start(), startHostMonitor(deps)];
        await agents.start();
        subs.push(await startControllerServices(deps));
      },
      async stop() {
        await agents.stop();
        for (const s of subs) s.unsubscribe();
        subs = [];
        await metadata?.close();
        metadata = undefined;
      },
      routes: (app) => {
        app.addHook('onRequest', async (req, reply) => {
          // Nova answers with its own request id header too; Tempest reads it from a create's answer.
          reply.header('x-compute-request-id', req.id);
          negotiateMicroversion(req, reply);
        });
        for (const register of ROUTES) register(app, deps);
      },
      describe: () => [`compute: ${agents.describe()}`, `compute: ${metadataState}`],
    };
  },
};
