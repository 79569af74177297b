import type { Subscription } from '../../core/bus/bus.ts';
import { networkHost } from '../agent-notify.ts';
import { serveNetworkAgents } from '../agent-server.ts';
import type { NetworkDeps } from '../deps.ts';
import { createDataplane } from '../drivers/select.ts';
import { createNetworkAgent, type NetworkAgent } from './agent.ts';
import type { AgentRole } from './state-report.ts';

/**
 * The all-in-one's network side of the bus: the server's agent RPC handlers, and one agent for this machine's
 * host (config `network.host`) with the configured dataplane. Every other compute host the all-in-one runs
 * (config `compute.hosts`) also gets an L2 agent, as each compute node runs one in a DevStack cloud, so ports
 * bound there are wired and go ACTIVE. A `strata network` node role would start only the agent part, against
 * RabbitMQ.
 */
export function inProcessNetworkAgent(deps: NetworkDeps): {
  start(): Promise<void>;
  stop(): Promise<void>;
  describe(): string;
  readonly agent: NetworkAgent;
} {
  const host = networkHost(deps.config);
  const driver = createDataplane(deps.config);
  const agentOn = (name: string, roles?: readonly AgentRole[]) =>
    createNetworkAgent({
      bus: deps.bus,
      host: name,
      driver: name === host ? driver : createDataplane(deps.config),
      log: deps.log,
      reportInterval: deps.config.network.agentReportInterval,
      ...(roles && { roles }),
    });
  const agent = agentOn(host);
  const computeHosts = [...new Set(deps.config.compute.hosts)].filter((h) => h !== host);
  const l2Agents = computeHosts.map((h) => agentOn(h, ['l2']));
  let server: Subscription | undefined;
  return {
    agent,
    async start() {
      server = serveNetworkAgents(deps);
      await agent.start();
      for (const a of l2Agents) await a.start();
    },
    async stop() {
      for (const a of l2Agents) await a.stop();
      await agent.stop();
      server?.unsubscribe();
      server = undefined;
    },
    describe: () =>
      `${driver.describe()}, agent on host ${host}${computeHosts.length ? `, L2 agents on ${computeHosts.join(', ')}` : ''}`,
  };
}
