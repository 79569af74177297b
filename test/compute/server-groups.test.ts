import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

describe('server groups', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { compute: { quotas: { server_groups: 3 } } });
    alice = await createMember(cloud, 'sg-alice');
    bob = await createMember(cloud, 'sg-bob');
  });
  after(() => cloud.close());

  it('creates, shows, lists and deletes with the 2.1 shape', async () => {
    const made = await nova(alice.token, 'POST', '/os-server-groups', {
      server_group: { name: 'g1', policies: ['affinity'] },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const g = made.body.server_group;
    assert.deepEqual(Object.keys(g).sort(), ['id', 'members', 'metadata', 'name', 'policies']);
    assert.deepEqual(g.policies, ['affinity']);
    assert.deepEqual(g.members, []);
    const shown = await nova(alice.token, 'GET', `/os-server-groups/${g.id}`, undefined, '2.13');
    assert.equal(shown.body.server_group.project_id, alice.projectId);
    assert.equal(shown.body.server_group.user_id, alice.userId);
    const list = await nova(alice.token, 'GET', '/os-server-groups');
    assert.deepEqual(
      list.body.server_groups.map((x: { id: string }) => x.id),
      [g.id],
    );
    assert.deepEqual((await nova(bob.token, 'GET', '/os-server-groups')).body.server_groups, []);
    const all = await nova(cloud.adminToken, 'GET', '/os-server-groups?all_projects=True');
    assert.ok(all.body.server_groups.some((x: { id: string }) => x.id === g.id));
    assert.equal((await nova(bob.token, 'GET', `/os-server-groups/${g.id}`)).status, 403);
    assert.equal((await nova(alice.token, 'DELETE', `/os-server-groups/${g.id}`)).status, 204);
    const gone = await nova(alice.token, 'GET', `/os-server-groups/${g.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, `Instance group ${g.id} could not be found.`);
  });

  it('2.64 uses policy and rules; soft policies from 2.15', async () => {
    const made = await nova(
      alice.token,
      'POST',
      '/os-server-groups',
      { server_group: { name: 'g64', policy: 'anti-affinity', rules: { max_server_per_host: 2 } } },
      '2.64',
    );
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.deepEqual(Object.keys(made.body.server_group).sort(), [
      'id',
      'members',
      'name',
      'policy',
      'project_id',
      'rules',
      'user_id',
    ]);
    assert.deepEqual(made.body.server_group.rules, { max_server_per_host: 2 });
    const old = await nova(alice.token, 'GET', `/os-server-groups/${made.body.server_group.id}`);
    assert.deepEqual(old.body.server_group.policies, ['anti-affinity']);
    const soft = await nova(
      alice.token,
      'POST',
      '/os-server-groups',
      { server_group: { name: 'soft', policies: ['soft-affinity'] } },
      '2.15',
    );
    assert.equal(soft.status, 200);
    const page = await nova(alice.token, 'GET', '/os-server-groups?limit=1&offset=1');
    assert.equal(page.body.server_groups.length, 1);
    const over = await nova(alice.token, 'POST', '/os-server-groups', {
      server_group: { name: 'g4', policies: ['affinity'] },
    });
    assert.equal(over.status, 200, 'third group');
    const quota = await nova(alice.token, 'POST', '/os-server-groups', {
      server_group: { name: 'g5', policies: ['affinity'] },
    });
    assert.equal(quota.status, 403);
    assert.equal(quota.body.forbidden.message, 'Quota exceeded, too many server groups.');
  });

  it('rejects bad bodies with 400', async () => {
    const cases: [string, unknown, string?][] = [
      ['no name', { server_group: { policies: ['affinity'] } }],
      ['empty name', { server_group: { name: '', policies: ['affinity'] } }],
      ['name with spaces around', { server_group: { name: ' x ', policies: ['affinity'] } }],
      ['unknown policy', { server_group: { name: 'x', policies: ['bogus'] } }],
      ['two policies', { server_group: { name: 'x', policies: ['affinity', 'anti-affinity'] } }],
      ['empty policies', { server_group: { name: 'x', policies: [] } }],
      ['soft before 2.15', { server_group: { name: 'x', policies: ['soft-affinity'] } }],
      ['policy before 2.64', { server_group: { name: 'x', policy: 'affinity' } }],
      ['policies at 2.64', { server_group: { name: 'x', policies: ['affinity'] } }, '2.64'],
      [
        'rules with affinity',
        { server_group: { name: 'x', policy: 'affinity', rules: { max_server_per_host: 1 } } },
        '2.64',
      ],
      ['bad rule', { server_group: { name: 'x', policy: 'anti-affinity', rules: { max_server_per_host: 0 } } }, '2.64'],
      ['unknown rule', { server_group: { name: 'x', policy: 'anti-affinity', rules: { other: 1 } } }, '2.64'],
      ['extra field', { server_group: { name: 'x', policies: ['affinity'], colour: 1 } }],
    ];
    for (const [name, body, mv] of cases) {
      const res = await nova(bob.token, 'POST', '/os-server-groups', body, mv);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await nova(bob.token, 'GET', '/os-server-groups?limit=-1')).status, 400);
    assert.equal((await nova(bob.token, 'GET', '/os-server-groups?bogus=1', undefined, '2.75')).status, 400);
  });
});
