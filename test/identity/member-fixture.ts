import assert from 'node:assert/strict';
import type { TestCloud } from '../helpers/cloud.ts';

export interface Member {
  userId: string;
  projectId: string;
  /** Project-scoped token with the member role. */
  token: string;
}

/** A new project with a new user holding `member` on it, logged in to that project. */
export async function createMember(cloud: TestCloud, name: string): Promise<Member> {
  const token = cloud.adminToken;
  const project = await cloud.call('POST', '/identity/v3/projects', {
    token,
    body: { project: { name: `${name}-p` } },
  });
  assert.equal(project.status, 201, JSON.stringify(project.body));
  const password = `${name}-pw`;
  const user = await cloud.call('POST', '/identity/v3/users', { token, body: { user: { name, password } } });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  const roles = await cloud.call('GET', '/identity/v3/roles?name=member', { token });
  const roleId = roles.body.roles[0].id;
  const projectId = project.body.project.id;
  const userId = user.body.user.id;
  const grant = await cloud.call('PUT', `/identity/v3/projects/${projectId}/users/${userId}/roles/${roleId}`, {
    token,
  });
  assert.equal(grant.status, 204, JSON.stringify(grant.body));
  const login = await cloud.login(name, password, { project: { id: projectId } });
  return { userId, projectId, token: login.token };
}
