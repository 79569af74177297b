import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { CallResult, TestCloud } from '../helpers/cloud.ts';

/**
 * Table-driven bad-input cases for the Compute API: each names the status and the body key Nova answers with
 * (its fault wrapper keys the body by status: `badRequest`, `forbidden`, `itemNotFound`, `conflictingRequest`,
 * `computeFault` for the rest), and every answer must be Nova's `{"<key>": {"code": <status>, "message": ...}}`,
 * never a 500.
 */
export interface NovaCase {
  name: string;
  status: number;
  /** The body's one key. */
  key: string;
  method: string;
  /** Relative to /compute/v2.1, e.g. `/servers/<id>/action`. */
  path: string;
  token?: string;
  body?: unknown;
  /** Sent verbatim instead of `body`. */
  raw?: string;
  /** Compute microversion for `OpenStack-API-Version` (none: 2.1). */
  version?: string;
  headers?: Record<string, string>;
  /** A fragment the message must contain (Nova's wording), where clients or Tempest read it. */
  message?: string | RegExp;
  /** Marks a case whose fix is pending elsewhere (node:test `todo`). */
  todo?: string;
}

export const MISSING = '00000000-0000-4000-8000-000000000000';

/** The body keys of Nova's fault wrapper, by status. */
export const KEY: Record<number, string> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'itemNotFound',
  406: 'computeFault',
  409: 'conflictingRequest',
};

export function assertNovaError(
  res: Pick<CallResult, 'status' | 'headers' | 'body'>,
  status: number,
  key: string,
  message?: string | RegExp,
): void {
  assert.notEqual(res.status, 500, JSON.stringify(res.body));
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body ?? {}), [key], JSON.stringify(res.body));
  const fault = res.body[key];
  assert.equal(fault.code, status, JSON.stringify(res.body));
  assert.equal(typeof fault.message, 'string');
  assert.ok(fault.message.length > 0, 'a message');
  if (typeof message === 'string') assert.ok(fault.message.includes(message), `${fault.message} ∌ ${message}`);
  else if (message) assert.match(fault.message, message);
}

/** One Compute API call; `version` becomes `OpenStack-API-Version: compute <version>`. */
export function novaCall(
  cloud: TestCloud,
  method: string,
  path: string,
  o: { token: string; body?: unknown; raw?: string; version?: string; headers?: Record<string, string> },
): Promise<CallResult> {
  return cloud.call(method, `/compute/v2.1${path}`, {
    token: o.token,
    ...(o.raw === undefined ? { body: o.body } : { raw: o.raw }),
    headers: { ...(o.version && { 'openstack-api-version': `compute ${o.version}` }), ...o.headers },
  });
}

/** One subtest per case; `defaultToken` is used when a case names none. */
export async function runNovaCases(
  t: TestContext,
  cloud: TestCloud,
  defaultToken: string,
  cases: NovaCase[],
): Promise<void> {
  for (const c of cases) {
    await t.test(c.name, { todo: c.todo }, async () => {
      const res = await novaCall(cloud, c.method, c.path, { ...c, token: c.token ?? defaultToken });
      assertNovaError(res, c.status, c.key, c.message);
    });
  }
}

/** Case builder: `nova(name, status, method, path, extra)`; the key follows from the status. */
export function nova(
  name: string,
  status: number,
  method: string,
  path: string,
  extra: Partial<NovaCase> = {},
): NovaCase {
  return { name, status, key: KEY[status] ?? 'computeFault', method, path, ...extra };
}

/** A server action case: POST /servers/<id>/action with `{<action>: args}`. */
export function action(
  name: string,
  status: number,
  serverId: string,
  body: Record<string, unknown>,
  extra: Partial<NovaCase> = {},
): NovaCase {
  return nova(name, status, 'POST', `/servers/${serverId}/action`, { body, ...extra });
}

/** The ids of the servers `token` sees (for "nothing half-written" checks). */
export async function serverIds(cloud: TestCloud, token: string): Promise<string[]> {
  const res = await novaCall(cloud, 'GET', '/servers', { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.servers as { id: string }[]).map((s) => s.id).sort();
}

/** Boots a server and waits until it is ACTIVE with no task (the fixture every state case starts from). */
export async function bootServer(
  cloud: TestCloud,
  token: string,
  server: { name: string; imageRef: string; flavorRef: string; networkId: string },
): Promise<string> {
  const res = await novaCall(cloud, 'POST', '/servers', {
    token,
    body: {
      server: {
        name: server.name,
        imageRef: server.imageRef,
        flavorRef: server.flavorRef,
        networks: [{ uuid: server.networkId }],
      },
    },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const id = res.body.server.id as string;
  await waitForServer(cloud, token, id, 'ACTIVE');
  return id;
}

/** Polls GET /servers/<id> until `status` with task_state null; ERROR (unless wanted) fails at once. */
export async function waitForServer(
  cloud: TestCloud,
  token: string,
  id: string,
  status: string,
  timeoutMs = 30_000,
): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  let last: Record<string, any> | undefined;
  while (Date.now() < until) {
    const res = await novaCall(cloud, 'GET', `/servers/${id}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    last = res.body.server;
    if (last!.status === status && !last!['OS-EXT-STS:task_state']) return last!;
    if (last!.status === 'ERROR' && status !== 'ERROR') assert.fail(`${id} ERROR: ${JSON.stringify(last!.fault)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${id} not ${status} in ${timeoutMs} ms: ${last?.status}/${last?.['OS-EXT-STS:task_state']}`);
}

/** POSTs an action and expects it accepted (202), e.g. to put a fixture server into a state. */
export async function act(cloud: TestCloud, token: string, id: string, body: unknown, version?: string) {
  const res = await novaCall(cloud, 'POST', `/servers/${id}/action`, { token, body, version });
  assert.equal(res.status, 202, JSON.stringify(res.body));
}

/**
 * Waits until a compute host can take a server: its provider in Placement has inventory (the agent's first
 * state report reaches Placement a moment after start-up; a boot before it finds no valid host, as in Nova).
 */
export async function waitForComputeHost(cloud: TestCloud, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await cloud.call('GET', '/placement/resource_providers?resources=VCPU:1,MEMORY_MB:64', {
      token: cloud.adminToken,
      headers: { 'openstack-api-version': 'placement 1.4' },
    });
    if (res.status === 200 && res.body.resource_providers.length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no compute host with inventory in Placement after ${timeoutMs} ms`);
}
