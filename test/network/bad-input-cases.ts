import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { CallResult, TestCloud } from '../helpers/cloud.ts';

/**
 * Table-driven bad-input cases for the Networking API: each names the exact status and NeutronError `type`
 * Neutron answers (webob's HTTPBadRequest and friends for request-shape errors, the neutron-lib exception's class
 * name otherwise), and every answer must carry Neutron's body `{"NeutronError": {type, message, detail}}`,
 * never a 500.
 */
export interface BadCase {
  name: string;
  status: number;
  /** The NeutronError type (Neutron's exception class name). */
  type: string;
  method: string;
  /** Relative to /networking/v2.0, e.g. `/ports/<id>`. */
  path: string;
  token?: string;
  body?: unknown;
  /** Sent verbatim instead of `body`. */
  raw?: string;
  headers?: Record<string, string>;
  /** A fragment the message must contain (Neutron's wording), when it matters to clients. */
  message?: string | RegExp;
  /** Marks a case whose fix is pending elsewhere (node:test `todo`). */
  todo?: string;
}

export const MISSING = '00000000-0000-0000-0000-000000000000';

export function assertNeutronError(
  res: Pick<CallResult, 'status' | 'headers' | 'body'>,
  status: number,
  type: string,
  message?: string | RegExp,
): void {
  assert.notEqual(res.status, 500, JSON.stringify(res.body));
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ['NeutronError'], JSON.stringify(res.body));
  const err = res.body.NeutronError;
  assert.deepEqual(Object.keys(err).sort(), ['detail', 'message', 'type']);
  assert.equal(err.type, type, JSON.stringify(res.body));
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.length > 0, 'a message');
  assert.equal(typeof err.detail, 'string');
  if (typeof message === 'string') assert.ok(err.message.includes(message), `${err.message} ∌ ${message}`);
  else if (message) assert.match(err.message, message);
}

/** One subtest per case; `defaultToken` is used when a case names none. */
export async function runBadCases(
  t: TestContext,
  cloud: TestCloud,
  defaultToken: string,
  cases: BadCase[],
): Promise<void> {
  for (const c of cases) {
    await t.test(c.name, { todo: c.todo }, async () => {
      const res = await cloud.call(c.method, `/networking/v2.0${c.path}`, {
        token: c.token ?? defaultToken,
        ...(c.raw === undefined ? { body: c.body } : { raw: c.raw }),
        headers: c.headers,
      });
      assertNeutronError(res, c.status, c.type, c.message);
    });
  }
}

/** Case builder: `bad(name, status, type, method, path, extra)`. */
export function bad(
  name: string,
  status: number,
  type: string,
  method: string,
  path: string,
  extra: Partial<BadCase> = {},
): BadCase {
  return { name, status, type, method, path, ...extra };
}

/** Shorthands for the commonest answers. */
export const BAD = [400, 'HTTPBadRequest'] as const;

/** The ids of a collection as `token` sees it (for "nothing half-written" checks). */
export async function idsOf(cloud: TestCloud, token: string, collection: string, query = ''): Promise<string[]> {
  const res = await cloud.call('GET', `/networking/v2.0/${collection}?fields=id${query}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body[collection.replaceAll('-', '_')] as { id: string }[]).map((x) => x.id).sort();
}

/** Admin's view of a network's address use: used_ips per subnet. */
export async function ipUse(cloud: TestCloud, networkId: string): Promise<Record<string, number>> {
  const res = await cloud.call('GET', `/networking/v2.0/network-ip-availabilities/${networkId}`, {
    token: cloud.adminToken,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const out: Record<string, number> = { total: res.body.network_ip_availability.used_ips };
  for (const s of res.body.network_ip_availability.subnet_ip_availability) out[s.subnet_id] = s.used_ips;
  return out;
}
