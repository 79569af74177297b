import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';

/**
 * A test cloud with helpers that lay down users, groups, projects and domains through the public API (as an
 * operator would with the admin token), so the role and grant tests read as the grants they make.
 */
export interface SeededCloud {
  cloud: TestCloud;
  token: string;
  domain(name?: string): Promise<string>;
  domainName(id: string): Promise<string>;
  project(opts: { domainId?: string; parentId?: string; name?: string }): Promise<string>;
  user(opts: { domainId?: string; name?: string; password?: string }): Promise<string>;
  group(opts: { domainId?: string; name?: string }): Promise<string>;
  addToGroup(groupId: string, userId: string): Promise<void>;
  roleId(name: string): Promise<string>;
}

const rand = (p: string) => `${p}-${randomBytes(4).toString('hex')}`;

export async function startSeededCloud(t: TestContext): Promise<SeededCloud> {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const create = async (collection: string, key: string, entity: Record<string, unknown>): Promise<string> => {
    const res = await cloud.call('POST', `/identity/v3/${collection}`, { token, body: { [key]: entity } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body[key].id;
  };
  return {
    cloud,
    token,
    domain: (name) => create('domains', 'domain', { name: name ?? rand('domain') }),
    async domainName(id) {
      return (await cloud.call('GET', `/identity/v3/domains/${id}`, { token })).body.domain.name;
    },
    project: (o) =>
      create('projects', 'project', {
        name: o.name ?? rand('project'),
        domain_id: o.domainId ?? 'default',
        ...(o.parentId && { parent_id: o.parentId }),
      }),
    user: (o) =>
      create('users', 'user', {
        name: o.name ?? rand('user'),
        domain_id: o.domainId ?? 'default',
        ...(o.password && { password: o.password }),
      }),
    group: (o) => create('groups', 'group', { name: o.name ?? rand('group'), domain_id: o.domainId ?? 'default' }),
    async addToGroup(groupId, userId) {
      const res = await cloud.call('PUT', `/identity/v3/groups/${groupId}/users/${userId}`, { token });
      assert.equal(res.status, 204, JSON.stringify(res.body));
    },
    async roleId(name) {
      const res = await cloud.call('GET', `/identity/v3/roles?name=${encodeURIComponent(name)}`, { token });
      assert.equal(res.body.roles.length, 1, `one global role named ${name}`);
      return res.body.roles[0].id;
    },
  };
}
