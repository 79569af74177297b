import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestCloud } from '../helpers/cloud.ts';

/**
 * Users, projects, roles and grants for the application credential and trust tests, made through the public
 * API as an operator would (admin token).
 */
export function delegationFixtures(cloud: TestCloud) {
  const admin = cloud.adminToken;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  const project = async (): Promise<{ id: string; name: string }> => {
    const res = await cloud.call('POST', '/identity/v3/projects', {
      token: admin,
      body: { project: { name: unique('proj'), domain_id: 'default' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.project;
  };
  const user = async (): Promise<{ id: string; name: string; password: string }> => {
    const password = unique('pw');
    const res = await cloud.call('POST', '/identity/v3/users', {
      token: admin,
      body: { user: { name: unique('user'), password, domain_id: 'default' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: res.body.user.id, name: res.body.user.name, password };
  };
  const role = async (name = unique('role')): Promise<{ id: string; name: string }> => {
    const res = await cloud.call('POST', '/identity/v3/roles', { token: admin, body: { role: { name } } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.role;
  };
  const roleId = async (name: string): Promise<string> => {
    const res = await cloud.call('GET', `/identity/v3/roles?name=${name}`, { token: admin });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.roles[0].id;
  };
  const grant = async (projectId: string, userId: string, roleId: string) => {
    const res = await cloud.call('PUT', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, {
      token: admin,
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  };
  const revokeGrant = async (projectId: string, userId: string, roleId: string) => {
    const res = await cloud.call('DELETE', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, {
      token: admin,
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
  };
  /** A project-scoped token for a user made by `user()`. */
  const login = async (u: { name: string; password: string }, projectId: string) =>
    (await cloud.login(u.name, u.password, { project: { id: projectId } })).token;
  /** POST /auth/tokens with any auth body; returns status, token id and token body. */
  const auth = async (body: unknown) => {
    const res = await cloud.call('POST', '/identity/v3/auth/tokens', { body: { auth: body } });
    return { status: res.status, token: res.headers.get('x-subject-token'), body: res.body };
  };
  /** Validates a token the way a service does (GET /auth/tokens with the admin token). */
  const validate = async (token: string) =>
    cloud.call('GET', '/identity/v3/auth/tokens', { token: admin, headers: { 'x-subject-token': token } });

  return { admin, unique, project, user, role, roleId, grant, revokeGrant, login, auth, validate };
}
