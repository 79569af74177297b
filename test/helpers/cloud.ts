import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ADMIN_SCOPE, passwordAuth, readAnswer } from '../../scripts/identity-client.ts';
import { startAllInOne } from '../../src/cloud.ts';
import type { Bus } from '../../src/core/bus/bus.ts';
import { type Config, type DeepPartial, loadConfig } from '../../src/core/config.ts';
import { freshPostgres } from './postgres.ts';

export interface TestCloud {
  base: string;
  authUrl: string;
  adminPassword: string;
  adminToken: string;
  dataDir: string;
  /** The PostgreSQL database of this cloud when the tests run on PostgreSQL (tests that read its tables). */
  databaseUrl?: string;
  /** One HTTP call to the cloud; `path` is relative to the listener (e.g. '/identity/v3/projects'). */
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** Issues a project-scoped (or other) token with a password; returns the token id and body. */
  login(
    user: string,
    password: string,
    scope?: unknown,
    domain?: string,
  ): Promise<{ token: string; body: Record<string, any> }>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (for malformed JSON tests). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * Starts a real all-in-one cloud on port 0 with a temporary data directory. With STRATA_TEST_DATABASE_URL
 * (a PostgreSQL URL whose user may create databases) each cloud gets a fresh PostgreSQL database instead of
 * SQLite; CI runs the identity tests both ways.
 */
export async function startCloud(
  t?: TestContext,
  values: DeepPartial<Config> = {},
  opts: {
    bus?: Bus;
    /** Start again on a data directory the caller owns (not removed on close). */
    dataDir?: string;
  } = {},
): Promise<TestCloud> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'strata-test-')));
  const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
  const pgDb = await freshPostgres();
  const config = await loadConfig({
    dataDir,
    port: 0,
    env: {},
    values: {
      logLevel: 'silent',
      // Fakes unless a test asks for the real drivers (the end-to-end tests do).
      drivers: 'fake',
      ...(pgDb && { database: { url: pgDb.url } }),
      ...values,
      // After `...values`, which would otherwise replace these whole sections: loadConfig deep-merges what is
      // given here, so a test naming other identity or admin settings keeps the cheap hashing and the password.
      // Cheap hashing keeps tests fast; the real cost is measured by the bench.
      identity: { scrypt: { N: 1024, r: 8, p: 1 }, ...values.identity },
      admin: { ...values.admin, password: adminPassword },
    },
  });
  const running = await startAllInOne(config, opts);
  const base = running.url;
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers['x-auth-token'] = o.token;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    } else if (o.raw !== undefined) headers['content-type'] ??= 'application/json';
    return readAnswer(await fetch(`${base}${path}`, { method, headers, body }));
  };
  const login = async (user: string, password: string, scope?: unknown, domain = 'Default') => {
    const res = await call('POST', '/identity/v3/auth/tokens', { body: passwordAuth(user, password, scope, domain) });
    if (res.status !== 201) throw new Error(`login ${user} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: res.headers.get('x-subject-token')!, body: res.body.token };
  };
  const admin = await login('admin', adminPassword, ADMIN_SCOPE);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await running.close();
    await pgDb?.drop();
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  t?.after(close);
  return {
    base,
    authUrl: running.authUrl,
    adminPassword,
    adminToken: admin.token,
    dataDir,
    databaseUrl: pgDb?.url,
    call,
    login,
    close,
  };
}
