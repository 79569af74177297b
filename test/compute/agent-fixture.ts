import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ComputeAgent, createComputeAgent } from '../../src/compute/agent/agent.ts';
import {
  AGENT_TOPIC,
  type InstanceMessage,
  type InstanceUpdate,
  SERVER_TOPIC,
  ServerMethod,
  type SyncAnswer,
} from '../../src/compute/agent/rpc.ts';
import { createFakeDriver } from '../../src/compute/drivers/fake/index.ts';
import type { HypervisorDriver, InstanceSpec } from '../../src/compute/drivers/hypervisor.ts';
import type { Bus } from '../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';

export function fakeSpec(uuid: string, over: Partial<InstanceSpec> = {}): InstanceSpec {
  return {
    uuid,
    name: `vm-${uuid.slice(0, 4)}`,
    hostname: `host-${uuid.slice(0, 4)}`,
    flavor: { name: 'm1.tiny', vcpus: 1, memory_mb: 512, root_gb: 1, ephemeral_gb: 0, swap: 0, extra_specs: {} },
    image: { id: 'img-1', disk_format: 'qcow2', container_format: 'bare', properties: {} },
    vifs: [
      {
        id: 'port-1',
        address: 'fa:16:3e:00:00:01',
        network: { id: 'net-1', label: 'private' },
        fixed_ips: [{ ip_address: '10.0.0.5', subnet_id: 'sub-1', version: 4 }],
      },
    ],
    injected: { metadata: {}, configDrive: false },
    ...over,
  };
}

export interface FakeRow {
  host: string | null;
  node?: string;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  spec: InstanceSpec;
  launched_at?: string;
}

export interface Recorded {
  method: string;
  payload: any;
}

/**
 * A stand-in for the compute server's side of the bus (task C's agent-server): answers every ServerMethod from
 * an in-memory "database" with the compare-and-set instance_update, and records every call in order.
 */
export function fakeServer(bus: Bus) {
  const rows = new Map<string, FakeRow>();
  const calls: Recorded[] = [];
  const record = (method: string) => (payload: unknown) => {
    calls.push({ method, payload });
    return handlers[method](payload);
  };
  const handlers: Record<string, (p: any) => unknown> = {
    [ServerMethod.reportState]: () => ({}),
    [ServerMethod.actionEvent]: () => ({}),
    [ServerMethod.buildFailed]: () => ({}),
    [ServerMethod.snapshotDone]: () => ({}),
    [ServerMethod.instanceUpdate]: (u: InstanceUpdate) => {
      const row = rows.get(u.uuid);
      if (!row) return { ok: false };
      if (u.expected_task_state && !u.expected_task_state.includes(row.task_state)) return { ok: false };
      if (u.vm_state !== undefined) row.vm_state = u.vm_state;
      if ('task_state' in u) row.task_state = u.task_state ?? null;
      if (u.power_state !== undefined) row.power_state = u.power_state;
      if (u.launched_at) row.launched_at = u.launched_at;
      if (u.new_host) row.host = u.new_host;
      if (u.new_node) row.node = u.new_node;
      if (u.offloaded) row.host = null;
      return { ok: true };
    },
    [ServerMethod.syncInstances]: ({ host }: { host: string }): SyncAnswer => ({
      instances: [...rows.entries()]
        .filter(([, r]) => r.host === host && r.vm_state !== 'deleted')
        .map(([uuid, r]) => ({
          uuid,
          vm_state: r.vm_state,
          task_state: r.task_state,
          power_state: r.power_state,
          spec: r.spec,
        })),
    }),
  };
  const sub = bus.serve({ topic: SERVER_TOPIC }, Object.fromEntries(Object.keys(handlers).map((m) => [m, record(m)])));
  return {
    rows,
    calls,
    of: (method: string, uuid?: string) =>
      calls.filter((c) => c.method === method && (uuid === undefined || c.payload.uuid === uuid)),
    /** As the conductor does: set the first task state (and host), then cast. */
    async cast(host: string, method: string, spec: InstanceSpec, task: string | null, args?: Record<string, unknown>) {
      const row = rows.get(spec.uuid);
      if (row) {
        row.task_state = task;
        row.spec = spec;
      } else rows.set(spec.uuid, { host, vm_state: 'building', task_state: task, power_state: 0, spec });
      const msg: InstanceMessage = {
        context: { request_id: `req-${method}`, user_id: 'u', project_id: 'p' },
        instance: spec,
        ...(args && { args }),
      };
      await bus.cast({ topic: AGENT_TOPIC, server: host }, method, msg);
    },
    stop: () => sub.unsubscribe(),
  };
}

export async function agentRig(hosts: string[], delayMs = 0) {
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-agent-'));
  const bus = createMemoryBus();
  const server = fakeServer(bus);
  const log = { debug() {}, info() {}, warn() {} };
  const drivers = new Map<string, HypervisorDriver>();
  const make = (host: string) => {
    const driver = createFakeDriver({ dataDir, host, delayMs });
    drivers.set(host, driver);
    return createComputeAgent({ bus, host, driver, log, reportInterval: 3600, callTimeoutMs: 5000 });
  };
  const agents = new Map<string, ComputeAgent>(hosts.map((h) => [h, make(h)]));
  for (const a of agents.values()) await a.start();
  return {
    bus,
    server,
    agents,
    drivers,
    dataDir,
    /** A new agent (and driver) on the same host and data directory, as after a crash. */
    async replace(host: string) {
      const a = make(host);
      agents.set(host, a);
      await a.start();
      return a;
    },
    idle: () => Promise.all([...agents.values()].map((a) => a.idle())),
    async close() {
      for (const a of agents.values()) await a.stop();
      server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Lets casts in flight reach their agent, then waits until every agent is idle. */
export async function settle(rig: { idle(): Promise<unknown> }) {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  await rig.idle();
}

export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
