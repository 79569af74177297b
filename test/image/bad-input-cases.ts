import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { CallResult, TestCloud } from '../helpers/cloud.ts';

/**
 * Table-driven bad-input cases for the image API: each names the exact status Glance answers, and every answer
 * must carry Glance's JSON error body (`code` is the status line, `title` its reason phrase), never a 500.
 */
export interface BadCase {
  name: string;
  status: number;
  method: string;
  /** Relative to /image, e.g. `/v2/images/<id>`. */
  path: string;
  token?: string;
  body?: unknown;
  /** Sent verbatim instead of `body`. */
  raw?: string;
  type?: string;
  headers?: Record<string, string>;
  /** Marks a case whose fix is pending elsewhere (node:test `todo`). */
  todo?: string;
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
};

export function assertGlanceError(res: Pick<CallResult, 'status' | 'headers' | 'body'>, status: number): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'title']);
  assert.equal(res.body.title, TITLES[status]);
  assert.equal(res.body.code, `${status} ${TITLES[status]}`);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
}

export async function runBadCases(t: TestContext, cloud: TestCloud, cases: BadCase[]): Promise<void> {
  for (const c of cases) {
    await t.test(c.name, { todo: c.todo }, async () => {
      const res = await cloud.call(c.method, `/image${c.path}`, {
        token: c.token ?? cloud.adminToken,
        ...(c.raw === undefined ? { body: c.body } : { raw: c.raw }),
        headers: { ...(c.type && { 'content-type': c.type }), ...c.headers },
      });
      assertGlanceError(res, c.status);
    });
  }
}

/** Case builders: `bad(name, status, method, path, extra)`. */
export function bad(name: string, status: number, method: string, path: string, extra: Partial<BadCase> = {}): BadCase {
  return { name, status, method, path, ...extra };
}
