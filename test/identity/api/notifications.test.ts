import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from '../../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../../src/core/bus/memory-bus.ts';
import { startCloud } from '../../helpers/cloud.ts';

test('every identity write emits identity.<resource>.<verb> with the resource id', async (t) => {
  const bus = createMemoryBus();
  const seen: Notification[] = [];
  bus.listenNotifications('identity.', (n) => void seen.push(n));
  const cloud = await startCloud(t, {}, { bus });
  const token = cloud.adminToken;
  const project = (await cloud.call('POST', '/identity/v3/projects', { token, body: { project: { name: 'noisy' } } }))
    .body.project;
  await cloud.call('PATCH', `/identity/v3/projects/${project.id}`, { token, body: { project: { description: 'x' } } });
  const user = (await cloud.call('POST', '/identity/v3/users', { token, body: { user: { name: 'noisy' } } })).body.user;
  const role = (await cloud.call('GET', '/identity/v3/roles?name=member', { token })).body.roles[0];
  await cloud.call('PUT', `/identity/v3/projects/${project.id}/users/${user.id}/roles/${role.id}`, { token });
  await cloud.call('DELETE', `/identity/v3/users/${user.id}`, { token });
  const failed = await cloud.call('DELETE', '/identity/v3/users/nope', { token });
  assert.equal(failed.status, 404);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    seen.map((n) => [n.event_type, n.payload]),
    [
      ['identity.project.created', { resource_info: project.id }],
      ['identity.project.updated', { resource_info: project.id }],
      ['identity.user.created', { resource_info: user.id }],
      [
        'identity.role_assignment.created',
        { role: role.id, user: user.id, project: project.id, inherited_to_projects: false },
      ],
      ['identity.user.deleted', { resource_info: user.id }],
    ],
  );
});
