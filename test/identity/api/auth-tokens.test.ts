import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadKeys } from '../../../src/identity/fernet-keys.ts';
import { newAuditId } from '../../../src/identity/token-payload.ts';
import { issueTokenString } from '../../../src/identity/tokens-codec.ts';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember } from '../member-fixture.ts';

const V3 = '/identity/v3';
const validate = (cloud: TestCloud, subject: string, query = '') =>
  cloud.call('GET', `${V3}/auth/tokens${query}`, { token: cloud.adminToken, headers: { 'x-subject-token': subject } });
/** Fernet tokens carry whole seconds; an event ends tokens issued in earlier seconds (as Keystone). */
const nextSecond = () => sleep(1100 - (Date.now() % 1000));

test('password auth: every way to name the user and every scope', async (t) => {
  const cloud = await startCloud(t);
  const { adminPassword: password } = cloud;
  const byId = await cloud.login('admin', password, { project: { name: 'admin', domain: { id: 'default' } } });
  const user = byId.body.user;
  assert.deepEqual(user.domain, { id: 'default', name: 'Default' });

  const post = (identityUser: unknown, scope?: unknown) =>
    cloud.call('POST', `${V3}/auth/tokens`, {
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: identityUser } },
          ...(scope !== undefined && { scope }),
        },
      },
    });
  const project = await post({ id: user.id, password }, { project: { id: byId.body.project.id } });
  assert.equal(project.status, 201);
  assert.match(project.headers.get('x-subject-token')!, /^gAAAAA[\w-]+$/);
  const tok = project.body.token;
  assert.deepEqual(tok.methods, ['password']);
  assert.deepEqual(
    tok.roles.map((r: { name: string }) => r.name).sort(),
    ['admin', 'member', 'reader'],
    'admin implies member implies reader',
  );
  assert.equal(tok.is_domain, false);
  assert.match(tok.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(tok.audit_ids.length, 1);
  assert.ok(tok.catalog.some((s: { type: string }) => s.type === 'identity'));

  const domain = await post({ name: 'admin', domain: { name: 'Default' }, password }, { domain: { id: 'default' } });
  assert.equal(domain.status, 401, 'admin has no role on the domain itself');
  const system = await post({ id: user.id, password }, { system: { all: true } });
  assert.equal(system.status, 201);
  assert.deepEqual(system.body.token.system, { all: true });
  const unscoped = await post({ id: user.id, password }, 'unscoped');
  assert.equal(unscoped.status, 201);
  assert.equal(unscoped.body.token.roles, undefined);
  assert.equal(unscoped.body.token.catalog, undefined);

  const nocatalog = await cloud.call('POST', `${V3}/auth/tokens?nocatalog`, {
    body: {
      auth: {
        identity: { methods: ['password'], password: { user: { id: user.id, password } } },
        scope: { project: { id: byId.body.project.id } },
      },
    },
  });
  assert.equal(nocatalog.body.token.catalog, undefined);
});

test('a user with a default project gets a token scoped to it when no scope is asked', async (t) => {
  const cloud = await startCloud(t);
  const m = await createMember(cloud, 'defaulter');
  await cloud.call('PATCH', `${V3}/users/${m.userId}`, {
    token: cloud.adminToken,
    body: { user: { default_project_id: m.projectId } },
  });
  const login = await cloud.login('defaulter', 'defaulter-pw');
  assert.equal(login.body.project.id, m.projectId);
});

test('token auth rescopes, keeping expiry and the audit chain', async (t) => {
  const cloud = await startCloud(t);
  const m = await createMember(cloud, 'rescoper');
  const unscoped = await cloud.login('rescoper', 'rescoper-pw', 'unscoped');
  const res = await cloud.call('POST', `${V3}/auth/tokens`, {
    body: {
      auth: {
        identity: { methods: ['token'], token: { id: unscoped.token } },
        scope: { project: { id: m.projectId } },
      },
    },
  });
  assert.equal(res.status, 201);
  const tok = res.body.token;
  assert.equal(tok.project.id, m.projectId);
  assert.equal(tok.expires_at, unscoped.body.expires_at);
  assert.deepEqual(tok.methods.sort(), ['password', 'token']);
  assert.equal(tok.audit_ids[1], unscoped.body.audit_ids[0]);
  const bad = await cloud.call('POST', `${V3}/auth/tokens`, {
    body: { auth: { identity: { methods: ['token'], token: { id: 'gAAAAAnope' } } } },
  });
  assert.equal(bad.status, 404);
});

test('validate, check, revoke, allow_expired', async (t) => {
  const cloud = await startCloud(t);
  const m = await createMember(cloud, 'validated');
  const ok = await validate(cloud, m.token);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('x-subject-token'), m.token);
  assert.equal(ok.body.token.user.id, m.userId);
  assert.equal((await validate(cloud, m.token, '?nocatalog=1')).body.token.catalog, undefined);
  const head = await cloud.call('HEAD', `${V3}/auth/tokens`, {
    token: cloud.adminToken,
    headers: { 'x-subject-token': m.token },
  });
  assert.equal(head.status, 200);
  // A user may validate their own token; not someone else's.
  assert.equal(
    (await cloud.call('GET', `${V3}/auth/tokens`, { token: m.token, headers: { 'x-subject-token': m.token } })).status,
    200,
  );
  assert.equal(
    (await cloud.call('GET', `${V3}/auth/tokens`, { token: m.token, headers: { 'x-subject-token': cloud.adminToken } }))
      .status,
    403,
  );

  const del = await cloud.call('DELETE', `${V3}/auth/tokens`, {
    token: cloud.adminToken,
    headers: { 'x-subject-token': m.token },
  });
  assert.equal(del.status, 204);
  assert.equal((await validate(cloud, m.token)).status, 404);
  assert.equal(
    (await cloud.call('GET', `${V3}/auth/projects`, { token: m.token })).status,
    401,
    'a revoked token authenticates nothing',
  );

  const keys = await loadKeys(join(cloud.dataDir, 'fernet-keys'));
  const expired = issueTokenString(keys, {
    userId: m.userId,
    methods: ['password'],
    scope: { kind: 'project', projectId: m.projectId },
    expiresAt: Date.now() - 60000,
    auditIds: [newAuditId()],
  });
  assert.equal((await validate(cloud, expired)).status, 404);
  const allowed = await validate(cloud, expired, '?allow_expired=1');
  assert.equal(allowed.status, 200);
  assert.equal(allowed.body.token.project.id, m.projectId);
});

test('tokens die when the user is disabled, the password changes, the project is disabled or the role goes', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const [a, b, c, d] = await Promise.all(['rv-a', 'rv-b', 'rv-c', 'rv-d'].map((n) => createMember(cloud, n)));
  await nextSecond();

  await cloud.call('PATCH', `${V3}/users/${a.userId}`, { token: admin, body: { user: { enabled: false } } });
  assert.equal((await validate(cloud, a.token)).status, 404);

  const change = await cloud.call('POST', `${V3}/users/${b.userId}/password`, {
    token: b.token,
    body: { user: { original_password: 'rv-b-pw', password: 'rv-b-new' } },
  });
  assert.equal(change.status, 204);
  assert.equal((await validate(cloud, b.token)).status, 404);
  const relogin = await cloud.login('rv-b', 'rv-b-new', { project: { id: b.projectId } });
  assert.equal((await validate(cloud, relogin.token)).status, 200, 'a token made right after the change works');

  await cloud.call('PATCH', `${V3}/projects/${c.projectId}`, { token: admin, body: { project: { enabled: false } } });
  assert.equal((await validate(cloud, c.token)).status, 404);

  const member = (await cloud.call('GET', `${V3}/roles?name=member`, { token: admin })).body.roles[0].id;
  await cloud.call('DELETE', `${V3}/projects/${d.projectId}/users/${d.userId}/roles/${member}`, { token: admin });
  assert.equal((await validate(cloud, d.token)).status, 404);
});

test('/v3/auth/catalog, projects, domains and system list what the token may reach', async (t) => {
  const cloud = await startCloud(t);
  const m = await createMember(cloud, 'scoper');
  const catalog = await cloud.call('GET', `${V3}/auth/catalog`, { token: m.token });
  assert.equal(catalog.status, 200);
  assert.ok(catalog.body.catalog.some((s: { type: string }) => s.type === 'identity'));
  const projects = await cloud.call('GET', `${V3}/auth/projects`, { token: m.token });
  assert.deepEqual(
    projects.body.projects.map((p: { id: string }) => p.id),
    [m.projectId],
  );
  const domains = await cloud.call('GET', `${V3}/auth/domains`, { token: m.token });
  assert.deepEqual(domains.body.domains, []);
  assert.deepEqual((await cloud.call('GET', `${V3}/auth/system`, { token: m.token })).body.system, []);
  assert.deepEqual((await cloud.call('GET', `${V3}/auth/system`, { token: cloud.adminToken })).body.system, [
    { all: true },
  ]);
  const unscoped = await cloud.login('scoper', 'scoper-pw', 'unscoped');
  assert.equal((await cloud.call('GET', `${V3}/auth/catalog`, { token: unscoped.token })).status, 403);
});

test('a new grant shows in an existing token at once', async (t) => {
  const cloud = await startCloud(t);
  const m = await createMember(cloud, 'granted');
  assert.equal((await cloud.call('GET', `${V3}/users`, { token: m.token })).status, 403);
  const adminRole = (await cloud.call('GET', `${V3}/roles?name=admin`, { token: cloud.adminToken })).body.roles[0].id;
  await cloud.call('PUT', `${V3}/projects/${m.projectId}/users/${m.userId}/roles/${adminRole}`, {
    token: cloud.adminToken,
  });
  assert.equal((await cloud.call('GET', `${V3}/users`, { token: m.token })).status, 200);
});
