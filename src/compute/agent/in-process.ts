import { hostname } from 'node:os';
import type { ComputeDeps } from '../deps.ts';
import { createHypervisor } from '../drivers/select.ts';
import { type ComputeAgent, createComputeAgent } from './agent.ts';

export interface InProcessComputeAgents {
  start(): Promise<void>;
  stop(): Promise<void>;
  describe(): string;
  /** The running agent of each host (tests kill one and start a replacement with restart). */
  readonly agents: Map<string, ComputeAgent>;
  /** Replaces a host's agent with a fresh one (new driver on the same data directory) and starts it. */
  restart(host: string): Promise<ComputeAgent>;
}

/** Hosts of the all-in-one: `compute.hosts`, else the network agent's host so its ports go ACTIVE. */
export function computeHosts(config: ComputeDeps['config']): string[] {
  return config.compute.hosts.length > 0 ? [...config.compute.hosts] : [config.network.host || hostname()];
}

/**
 * The all-in-one's compute hosts: one agent per host, each with its own driver (fake: its own state file under
 * `<dataDir>/compute/<host>/`). Only the network agent's host has a network agent, so ports bound to the other
 * hosts stay DOWN (a noop network agent per extra host would be wired by the cloud, not by compute).
 */
export function inProcessComputeAgents(deps: ComputeDeps): InProcessComputeAgents {
  const hosts = computeHosts(deps.config);
  const agents = new Map<string, ComputeAgent>();
  let driverLine = '';

  function make(host: string): ComputeAgent {
    const driver = createHypervisor(deps.config, host, deps.log);
    driverLine = driver.describe();
    return createComputeAgent({
      bus: deps.bus,
      host,
      driver,
      log: deps.log,
      reportInterval: deps.config.compute.reportInterval,
    });
  }

  return {
    agents,
    async start() {
      for (const host of hosts) agents.set(host, make(host));
      await Promise.all([...agents.values()].map((a) => a.start()));
    },
    async stop() {
      await Promise.all([...agents.values()].map((a) => a.stop()));
      agents.clear();
    },
    async restart(host) {
      const old = agents.get(host);
      if (old) await old.stop();
      const agent = make(host);
      agents.set(host, agent);
      await agent.start();
      return agent;
    },
    describe() {
      const list = hosts.length > 3 ? `${hosts[0]}..${hosts[hosts.length - 1]}` : hosts.join(', ');
      const driver = driverLine || String(deps.config.compute.driver);
      return `${driver}, ${hosts.length} agent${hosts.length === 1 ? '' : 's'} (${list})`;
    },
  };
}
