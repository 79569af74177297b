import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKeys } from '../../../src/identity/fernet-keys.ts';
import { newAuditId } from '../../../src/identity/token-payload.ts';
import { issueTokenString } from '../../../src/identity/tokens-codec.ts';
import { startCloud } from '../../helpers/cloud.ts';
import { authCases } from '../bad-request-cases.ts';
import { resourceCases } from '../bad-resource-request-cases.ts';
import { createMember } from '../member-fixture.ts';

const V3 = '/identity/v3';

/**
 * Bad requests of every kind, each answered with Keystone's status and error body, never a 500, and
 * (checked after the table) nothing written by any of them.
 */
test('bad requests get Keystone status codes and error bodies, and write nothing', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const member = await createMember(cloud, 'badreq');
  const other = await createMember(cloud, 'badreq-other');
  const roles = (await cloud.call('GET', `${V3}/roles?name=member`, { token: admin })).body.roles;
  const memberRole = roles[0].id;
  const adminRole = (await cloud.call('GET', `${V3}/roles?name=admin`, { token: admin })).body.roles[0].id;
  const domain = (await cloud.call('POST', `${V3}/domains`, { token: admin, body: { domain: { name: 'elsewhere' } } }))
    .body.domain;
  const foreign = (
    await cloud.call('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'foreign', domain_id: domain.id } },
    })
  ).body.project;

  const adminUser = (
    await cloud.call('GET', `${V3}/auth/tokens`, { token: admin, headers: { 'x-subject-token': admin } })
  ).body.token.user.id;
  const keys = await loadKeys(join(cloud.dataDir, 'fernet-keys'));
  const expired = issueTokenString(keys, {
    userId: adminUser,
    methods: ['password'],
    scope: { kind: 'project', projectId: member.projectId },
    expiresAt: Date.now() - 1000,
    auditIds: [newAuditId()],
  });
  const revoked = (await cloud.login('badreq', 'badreq-pw', { project: { id: member.projectId } })).token;
  assert.equal(
    (await cloud.call('DELETE', `${V3}/auth/tokens`, { token: admin, headers: { 'x-subject-token': revoked } })).status,
    204,
  );

  const before = await snapshot(cloud, admin);
  const fixture = {
    adminPassword: cloud.adminPassword,
    member,
    other,
    memberRole,
    adminRole,
    foreign,
    expired,
    revoked,
  };
  const cases = [...authCases(fixture), ...resourceCases(fixture)];
  const tokens = { admin, member: member.token, none: undefined, expired, revoked, garbage: 'not-a-token' };
  for (const c of cases) {
    await t.test(c.name, async () => {
      const res = await cloud.call(c.method, c.path, {
        token: tokens[c.token ?? 'none'],
        body: c.body,
        raw: c.raw,
        headers: c.headers,
      });
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      assert.equal(res.body?.error?.code, c.status, 'Keystone error body');
      assert.equal(typeof res.body.error.message, 'string');
      assert.equal(typeof res.body.error.title, 'string');
    });
  }
  assert.ok(cases.length >= 40);
  assert.deepEqual(await snapshot(cloud, admin), before, 'no failed request wrote anything');
});

/** Counts of everything the table's requests could have created. */
async function snapshot(cloud: Awaited<ReturnType<typeof startCloud>>, token: string) {
  const count = async (path: string, key: string) =>
    (await cloud.call('GET', `${V3}${path}`, { token })).body[key].length;
  return {
    projects: await count('/projects', 'projects'),
    users: await count('/users', 'users'),
    groups: await count('/groups', 'groups'),
    roles: await count('/roles', 'roles'),
    regions: await count('/regions', 'regions'),
    services: await count('/services', 'services'),
    endpoints: await count('/endpoints', 'endpoints'),
    credentials: await count('/credentials', 'credentials'),
    registeredLimits: await count('/registered_limits', 'registered_limits'),
    assignments: await count('/role_assignments', 'role_assignments'),
    domains: await count('/domains', 'domains'),
  };
}
