import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kysely, SqliteDialect } from 'kysely';
import { consoleUrl } from '../../src/compute/console-proxy-routes.ts';
import { tokenInCookies, tokenInPath } from '../../src/compute/console-proxy-token.ts';
import { issueConsoleToken, revokeConsoleTokens, validateConsoleToken } from '../../src/compute/console-tokens.ts';
import * as m0050 from '../../src/compute/migrations/0050-console-auth-tokens.ts';
import type { ComputeDb } from '../../src/compute/tables.ts';
import { openSqlite } from '../../src/core/db/sqlite-adapter.ts';

const VM = '11111111-2222-3333-4444-555555555555';
const endpoint = { protocol: 'vnc' as const, host: '127.0.0.1', port: 0, internal: { socket: '/run/vm.vnc' } };

async function tokenDb(t: import('node:test').TestContext): Promise<ComputeDb> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-console-tokens-'));
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqlite(join(dir, 'db')) }) });
  await m0050.up(db);
  t.after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });
  return db as unknown as ComputeDb;
}

test('a console token is valid until its TTL, then refused', async (t) => {
  const db = await tokenDb(t);
  const issued = new Date('2026-01-01T00:00:00Z');
  const token = await issueConsoleToken(db, VM, 'novnc', endpoint, 30, issued);
  const at = (s: number) => ({ now: new Date(issued.getTime() + s * 1000) });
  const grant = await validateConsoleToken(db, token, at(29));
  assert.equal(grant?.instanceUuid, VM);
  assert.equal(grant?.consoleType, 'novnc');
  assert.deepEqual(grant?.internal, { socket: '/run/vm.vnc' });
  assert.equal(await validateConsoleToken(db, token, at(30)), undefined, 'expired at exactly the TTL');
  assert.equal(await validateConsoleToken(db, token, at(3600)), undefined);
});

test('a token opens its console as often as asked (Nova does not use tokens up), only for its own type', async (t) => {
  const db = await tokenDb(t);
  const token = await issueConsoleToken(db, VM, 'serial', { ...endpoint, protocol: 'serial' });
  for (let i = 0; i < 3; i++) assert.ok(await validateConsoleToken(db, token, { types: ['serial'] }));
  assert.equal(await validateConsoleToken(db, token, { types: ['novnc', 'xvpvnc'] }), undefined);
  assert.equal(await validateConsoleToken(db, `${token}x`), undefined);
  assert.equal(await validateConsoleToken(db, ''), undefined);
});

test('revoking an instance drops its tokens; issuing drops its expired ones', async (t) => {
  const db = await tokenDb(t);
  const old = await issueConsoleToken(db, VM, 'novnc', endpoint, 1, new Date('2020-01-01T00:00:00Z'));
  const fresh = await issueConsoleToken(db, VM, 'novnc', endpoint);
  const rows = await db.selectFrom('console_auth_tokens').select('token_hash').execute();
  assert.equal(rows.length, 1, 'the expired token was dropped');
  assert.equal(await validateConsoleToken(db, old), undefined);
  await revokeConsoleTokens(db, VM);
  assert.equal(await validateConsoleToken(db, fresh), undefined);
});

test('console URLs are shaped as Nova proxies answer them', () => {
  const vnc = new URL(consoleUrl('http://127.0.0.1:5000', 'novnc', 'abc'));
  assert.equal(vnc.pathname, '/compute/console/vnc_lite.html');
  assert.equal(vnc.search, '?path=%3Ftoken%3Dabc');
  assert.equal(
    consoleUrl('https://cloud.example/', 'serial', 'abc'),
    'wss://cloud.example/compute/console/serial?token=abc',
  );
  assert.equal(new URL(consoleUrl('http://h/prefix', 'novnc', 'abc')).searchParams.get('path'), 'prefix/?token=abc');
  assert.equal(consoleUrl('http://h:1', 'spice-html5', 'abc'), 'http://h:1/compute/console/abc');
});

test('the token is found where websocket clients put it', () => {
  assert.equal(tokenInPath('?token=abc'), 'abc');
  assert.equal(tokenInPath('compute/console/websockify?token=abc'), 'abc');
  assert.equal(tokenInPath('websockify'), undefined);
  assert.equal(tokenInCookies('a=1; token=abc'), 'abc');
  // Tempest sends the page URL's query as the Cookie header.
  assert.equal(tokenInCookies('path=compute%2Fconsole%2Fwebsockify%3Ftoken%3Dabc'), 'abc');
  assert.equal(tokenInCookies('path=%3Ftoken%3Dabc'), 'abc');
  assert.equal(tokenInCookies('other=1'), undefined);
});
