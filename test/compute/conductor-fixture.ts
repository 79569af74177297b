import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_TOPIC, SERVER_TOPIC } from '../../src/compute/agent/rpc.ts';
import { type Bus, NoConsumer, type Subscription } from '../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';
import type { TestCloud } from '../helpers/cloud.ts';

export const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5'];

export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export const nova = (cloud: TestCloud, method: string, path: string, body?: unknown, mv = '2.37') =>
  cloud.call(method, `/compute/v2.1${path}`, {
    token: cloud.adminToken,
    body,
    headers: { 'openstack-api-version': `compute ${mv}` },
  });

/** A public image with a few bytes, as every boot needs one. */
export async function publicImage(cloud: TestCloud, name = 'conductor-test'): Promise<string> {
  const image = await cloud.call('POST', '/image/v2/images', {
    token: cloud.adminToken,
    body: { name, disk_format: 'qcow2', container_format: 'bare', visibility: 'public' },
  });
  if (image.status !== 201) throw new Error(`image create: ${image.status} ${JSON.stringify(image.body)}`);
  await cloud.call('PUT', `/image/v2/images/${image.body.id}/file`, {
    token: cloud.adminToken,
    raw: 'x'.repeat(1024),
    headers: { 'content-type': 'application/octet-stream' },
  });
  return image.body.id;
}

/** Waits until every host has a resource provider (their first heartbeats reached Placement). */
export async function hostsReported(cloud: TestCloud, hosts: string[]): Promise<void> {
  await eventually('resource providers of every host', async () => {
    const res = await cloud.call('GET', '/placement/resource_providers', {
      token: cloud.adminToken,
      headers: { 'openstack-api-version': 'placement 1.14' },
    });
    const names = (res.body?.resource_providers ?? []).map((p: { name: string }) => p.name);
    return hosts.every((h) => names.includes(h)) ? true : undefined;
  });
}

export type Server = Record<string, any>;

/** Polls the servers named `name` until none is in BUILD; returns them. */
export async function settled(cloud: TestCloud, name: string, count: number, ms = 30000): Promise<Server[]> {
  return eventually(
    `${count} settled servers named ${name}`,
    async () => {
      const res = await nova(cloud, 'GET', `/servers/detail?name=^${name}`);
      const servers: Server[] = res.body?.servers ?? [];
      if (servers.length !== count) return undefined;
      return servers.every((s) => s.status !== 'BUILD' && s['OS-EXT-STS:task_state'] === null) ? servers : undefined;
    },
    ms,
  );
}

export const hostOf = (s: Server): string => s['OS-EXT-SRV-ATTR:host'];

/**
 * The cloud's memory bus with a switch that makes one compute host vanish as a dead machine would: its agent
 * stops consuming, and whatever it still says to the server (heartbeats, instance updates) is lost.
 */
export function partitionableBus(): { bus: Bus; kill(host: string): void } {
  const inner = createMemoryBus();
  const dead = new Set<string>();
  const consumers = new Map<string, Subscription>();
  const fromDeadHost = (payload: unknown) => {
    const host = (payload as { host?: unknown } | null)?.host;
    return typeof host === 'string' && dead.has(host);
  };
  const bus: Bus = {
    cast: (target, method, payload) => {
      if (target.server && dead.has(target.server)) return Promise.reject(new NoConsumer(target));
      return inner.cast(target, method, payload);
    },
    call: (target, method, payload, opts) => {
      if (target.server && dead.has(target.server)) return Promise.reject(new NoConsumer(target));
      if (target.topic === SERVER_TOPIC && fromDeadHost(payload))
        return sleep(20).then(() => Promise.reject(new Error('partitioned host')));
      return inner.call(target, method, payload, opts);
    },
    fanout: (topic, method, payload) => inner.fanout(topic, method, payload),
    notify: (n) => inner.notify(n),
    serve: (target, handlers) => {
      const sub = inner.serve(target, handlers);
      if (target.topic === AGENT_TOPIC && target.server) consumers.set(target.server, sub);
      return sub;
    },
    listenFanout: (topic, handlers) => inner.listenFanout(topic, handlers),
    listenNotifications: (prefix, handler) => inner.listenNotifications(prefix, handler),
    close: () => inner.close(),
  };
  return {
    bus,
    kill(host) {
      dead.add(host);
      consumers.get(host)?.unsubscribe();
    },
  };
}
