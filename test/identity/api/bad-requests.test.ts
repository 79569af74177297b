import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKeys } from '../../../src/identity/fernet-keys.ts';
import { newAuditId } from '../../../src/identity/token-payload.ts';
import { issueTokenString } from '../../../src/identity/tokens-codec.ts';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../member-fixture.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  token?: 'admin' | 'member' | 'none' | 'expired' | 'revoked' | 'garbage';
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
}

const V3 = '/identity/v3';
const pw = (user: Record<string, unknown>) => ({ auth: { identity: { methods: ['password'], password: { user } } } });

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
  const cases: Case[] = [
    // Authentication requests
    { name: 'auth: malformed JSON', method: 'POST', path: `${V3}/auth/tokens`, raw: '{"auth":', status: 400 },
    { name: 'auth: body is a list', method: 'POST', path: `${V3}/auth/tokens`, body: [], status: 400 },
    { name: 'auth: no auth key', method: 'POST', path: `${V3}/auth/tokens`, body: {}, status: 400 },
    {
      name: 'auth: methods not a list',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: 'password' } } },
      status: 400,
    },
    {
      name: 'auth: empty methods',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: [] } } },
      status: 400,
    },
    {
      name: 'auth: password method without password',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: ['password'] } } },
      status: 400,
    },
    {
      name: 'auth: unknown method',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: ['kerberos'], kerberos: {} } } },
      status: 401,
    },
    {
      name: 'auth: wrong password',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', domain: { id: 'default' }, password: 'wrong' }),
      status: 401,
    },
    {
      name: 'auth: unknown user',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'nobody', domain: { id: 'default' }, password: 'x' }),
      status: 401,
    },
    {
      name: 'auth: user name without domain',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', password: 'x' }),
      status: 400,
    },
    {
      name: 'auth: password is a number',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', domain: { id: 'default' }, password: 5 }),
      status: 400,
    },
    {
      name: 'auth: scope to unknown project',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'badreq', domain: { id: 'default' }, password: 'badreq-pw' }).auth,
          scope: { project: { id: 'nope' } },
        },
      },
      status: 401,
    },
    {
      name: 'auth: scope to a project without a role',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'badreq', domain: { id: 'default' }, password: 'badreq-pw' }).auth,
          scope: { project: { id: other.projectId } },
        },
      },
      status: 401,
    },
    {
      name: 'auth: project and domain scope at once',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'admin', domain: { id: 'default' }, password: cloud.adminPassword }).auth,
          scope: { project: { id: member.projectId }, domain: { id: 'default' } },
        },
      },
      status: 400,
    },
    {
      name: 'auth: huge body',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      raw: JSON.stringify({ pad: 'x'.repeat(200000) }),
      status: 413,
    },
    // Tokens
    {
      name: 'validate: garbage subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': 'gAAAAAgarbage' },
      status: 404,
    },
    {
      name: 'validate: expired subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': expired },
      status: 404,
    },
    {
      name: 'validate: revoked subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': revoked },
      status: 404,
    },
    { name: 'any call: no token', method: 'GET', path: `${V3}/projects`, token: 'none', status: 401 },
    { name: 'any call: garbage token', method: 'GET', path: `${V3}/projects`, token: 'garbage', status: 401 },
    { name: 'any call: expired token', method: 'GET', path: `${V3}/projects`, token: 'expired', status: 401 },
    { name: 'any call: revoked token', method: 'GET', path: `${V3}/users`, token: 'revoked', status: 401 },
    // Malformed resource bodies
    {
      name: 'project: malformed JSON',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      raw: '{"project": {',
      status: 400,
    },
    {
      name: 'project: no project key',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      body: { name: 'x' },
      status: 400,
    },
    {
      name: 'project: name is a number',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      body: { project: { name: 42 } },
      status: 400,
    },
    {
      name: 'project: name too long',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      body: { project: { name: 'p'.repeat(65) } },
      status: 400,
    },
    {
      name: 'project: enabled is a string',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      body: { project: { name: 'x', enabled: 'yes' } },
      status: 400,
    },
    {
      name: 'project: huge body',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'admin',
      raw: JSON.stringify({ project: { name: 'x', description: 'd'.repeat(200000) } }),
      status: 413,
    },
    {
      name: 'user: empty name',
      method: 'POST',
      path: `${V3}/users`,
      token: 'admin',
      body: { user: { name: '' } },
      status: 400,
    },
    {
      name: 'user: duplicate name',
      method: 'POST',
      path: `${V3}/users`,
      token: 'admin',
      body: { user: { name: 'badreq' } },
      status: 409,
    },
    {
      name: 'user: unknown option',
      method: 'POST',
      path: `${V3}/users`,
      token: 'admin',
      body: { user: { name: 'opt', options: { colour: true } } },
      status: 400,
    },
    {
      name: 'group: name is a list',
      method: 'POST',
      path: `${V3}/groups`,
      token: 'admin',
      body: { group: { name: ['g'] } },
      status: 400,
    },
    {
      name: 'role: missing name',
      method: 'POST',
      path: `${V3}/roles`,
      token: 'admin',
      body: { role: {} },
      status: 400,
    },
    {
      name: 'region: description is a number',
      method: 'POST',
      path: `${V3}/regions`,
      token: 'admin',
      body: { region: { description: 5 } },
      status: 400,
    },
    {
      name: 'service: missing type',
      method: 'POST',
      path: `${V3}/services`,
      token: 'admin',
      body: { service: { name: 's' } },
      status: 400,
    },
    {
      name: 'endpoint: bad interface',
      method: 'POST',
      path: `${V3}/endpoints`,
      token: 'admin',
      body: { endpoint: { service_id: 'x', interface: 'sideways', url: 'http://127.0.0.1/' } },
      status: 400,
    },
    {
      name: 'credential: missing blob',
      method: 'POST',
      path: `${V3}/credentials`,
      token: 'admin',
      body: { credential: { type: 'cert', user_id: member.userId } },
      status: 400,
    },
    {
      name: 'password change: wrong original',
      method: 'POST',
      path: `${V3}/users/${member.userId}/password`,
      token: 'member',
      body: { user: { password: 'new-pw-1', original_password: 'wrong' } },
      status: 401,
    },
    {
      name: 'app credential: expiry in the past',
      method: 'POST',
      path: `${V3}/users/${member.userId}/application_credentials`,
      token: 'member',
      body: { application_credential: { name: 'old', expires_at: '2001-01-01T00:00:00' } },
      status: 400,
    },
    {
      name: 'limits: one bad entry in a batch',
      method: 'POST',
      path: `${V3}/registered_limits`,
      token: 'admin',
      body: {
        registered_limits: [
          { service_id: 'nope', resource_name: 'cores', default_limit: 10 },
          { service_id: 'nope', resource_name: 5, default_limit: 'ten' },
        ],
      },
      status: 400,
    },
    // Unknown ids
    { name: 'unknown project', method: 'GET', path: `${V3}/projects/does-not-exist`, token: 'admin', status: 404 },
    {
      name: 'unknown project update',
      method: 'PATCH',
      path: `${V3}/projects/does-not-exist`,
      token: 'admin',
      body: { project: { description: 'x' } },
      status: 404,
    },
    { name: 'unknown user delete', method: 'DELETE', path: `${V3}/users/does-not-exist`, token: 'admin', status: 404 },
    { name: 'unknown group', method: 'GET', path: `${V3}/groups/does-not-exist`, token: 'admin', status: 404 },
    { name: 'unknown domain', method: 'GET', path: `${V3}/domains/does-not-exist`, token: 'admin', status: 404 },
    {
      name: 'grant of unknown role',
      method: 'PUT',
      path: `${V3}/projects/${member.projectId}/users/${member.userId}/roles/nope`,
      token: 'admin',
      status: 404,
    },
    {
      name: 'grant to unknown user',
      method: 'PUT',
      path: `${V3}/projects/${member.projectId}/users/nope/roles/${memberRole}`,
      token: 'admin',
      status: 404,
    },
    { name: 'unknown trust', method: 'GET', path: `${V3}/OS-TRUST/trusts/nope`, token: 'admin', status: 404 },
    { name: 'unknown URL', method: 'GET', path: `${V3}/no-such-collection`, token: 'admin', status: 404 },
    // Forbidden: cross-project and cross-domain, and admin-only calls
    { name: 'member lists users', method: 'GET', path: `${V3}/users`, token: 'member', status: 403 },
    {
      name: 'member creates a project',
      method: 'POST',
      path: `${V3}/projects`,
      token: 'member',
      body: { project: { name: 'mine' } },
      status: 403,
    },
    {
      name: 'member reads another project',
      method: 'GET',
      path: `${V3}/projects/${other.projectId}`,
      token: 'member',
      status: 403,
    },
    {
      name: 'member reads a project in another domain',
      method: 'GET',
      path: `${V3}/projects/${foreign.id}`,
      token: 'member',
      status: 403,
    },
    {
      name: 'member reads another user',
      method: 'GET',
      path: `${V3}/users/${other.userId}`,
      token: 'member',
      status: 403,
    },
    {
      name: 'member grants themself admin',
      method: 'PUT',
      path: `${V3}/projects/${member.projectId}/users/${member.userId}/roles/${adminRole}`,
      token: 'member',
      status: 403,
    },
    {
      name: "member lists another user's app credentials",
      method: 'GET',
      path: `${V3}/users/${other.userId}/application_credentials`,
      token: 'member',
      status: 403,
    },
    {
      name: 'member deletes a region',
      method: 'DELETE',
      path: `${V3}/regions/RegionOne`,
      token: 'member',
      status: 403,
    },
    {
      name: 'member creates a domain',
      method: 'POST',
      path: `${V3}/domains`,
      token: 'member',
      body: { domain: { name: 'd' } },
      status: 403,
    },
  ];
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
