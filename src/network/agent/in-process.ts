import type { Subscription } from '../../core/bus/bus.ts';
import { networkHost } from '../agent-notify.ts';
import { serveNetworkAgents } from '../agent-server.ts';
import type { NetworkDeps } from '../deps.ts';
import { createDataplane } from '../drivers/select.ts';
import { createNetworkAgent, type NetworkAgent } from './agent.ts';

/**
 * The all-in-one's network side of the bus: the server's agent RPC handlers, and one agent for this machine's
 * host (config `network.host`) with the configured dataplane. A `strata network` node role would start only
 * the agent part, against RabbitMQ.
 */
export function inProcessNetworkAgent(deps: NetworkDeps): {
  start(): Promise<void>;
  stop(): Promise<void>;
  describe(): string;
  readonly agent: NetworkAgent;
} {
  const driver = createDataplane(deps.config);
  const host = networkHost(deps.config);
  const agent = createNetworkAgent({
    bus: deps.bus,
    host,
    driver,
    log: deps.log,
    reportInterval: deps.config.network.agentReportInterval,
  });
  let server: Subscription | undefined;
  return {
    agent,
    async start() {
      server = serveNetworkAgents(deps);
      await agent.start();
    },
    async stop() {
      await agent.stop();
      server?.unsubscribe();
      server = undefined;
    },
    describe: () => `${driver.describe()}, agent on host ${host}`,
  };
}
