import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '../../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../../src/core/bus/memory-bus.ts';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

type Rule = Record<string, unknown>;

describe('security groups', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const seen: Notification[] = [];
  const call = (token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body, headers });

  before(async () => {
    const bus = createMemoryBus();
    bus.listenNotifications('security_group', (n) => void seen.push(n));
    cloud = await startCloud(undefined, {}, { bus });
    alice = await createMember(cloud, 'sg-alice');
    bob = await createMember(cloud, 'sg-bob');
  });
  after(() => cloud.close());

  it("creates the project's default group on first list, with Neutron's default rules", async () => {
    const list = await call(alice.token, 'GET', '/security-groups');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.equal(list.body.security_groups.length, 1);
    const def = list.body.security_groups[0];
    assert.equal(def.name, 'default');
    assert.equal(def.description, 'Default security group');
    assert.equal(def.project_id, alice.projectId);
    assert.equal(def.tenant_id, alice.projectId);
    assert.equal(def.stateful, true);
    assert.equal(def.shared, false);
    assert.deepEqual(def.tags, []);
    const rules = def.security_group_rules as Rule[];
    assert.equal(rules.length, 4);
    const summary = rules.map(
      (r) => `${r.direction} ${r.ethertype} ${r.remote_group_id === def.id ? 'self' : r.remote_group_id}`,
    );
    assert.deepEqual(summary.sort(), [
      'egress IPv4 null',
      'egress IPv6 null',
      'ingress IPv4 self',
      'ingress IPv6 self',
    ]);
    for (const r of rules) {
      assert.equal(r.protocol, null);
      assert.equal(r.remote_ip_prefix, null);
      assert.equal(r.normalized_cidr, null);
      assert.equal(r.remote_address_group_id, null);
    }
    // Listing again (and concurrently) never makes a second default group.
    await Promise.all([1, 2, 3].map(() => call(alice.token, 'GET', '/security-groups')));
    const again = await call(alice.token, 'GET', '/security-groups?name=default');
    assert.equal(again.body.security_groups.length, 1);
    assert.equal(again.body.security_groups[0].id, def.id);
  });

  it('creates, shows, updates and deletes a group; another project sees 404', async () => {
    const created = await call(alice.token, 'POST', '/security-groups', {
      security_group: { name: 'web', description: 'web servers' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sg = created.body.security_group;
    assert.equal(sg.name, 'web');
    assert.equal(sg.stateful, true);
    assert.equal(sg.revision_number, 0);
    assert.deepEqual((sg.security_group_rules as Rule[]).map((r) => `${r.direction} ${r.ethertype}`).sort(), [
      'egress IPv4',
      'egress IPv6',
    ]);
    assert.ok(seen.some((n) => n.event_type === 'security_group.create.end'));

    const shown = await call(alice.token, 'GET', `/security-groups/${sg.id}?fields=name&fields=id`);
    assert.deepEqual(shown.body.security_group, { name: 'web', id: sg.id });
    assert.equal((await call(bob.token, 'GET', `/security-groups/${sg.id}`)).status, 404);
    const missing = await call(alice.token, 'GET', '/security-groups/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.type, 'SecurityGroupNotFound');

    const updated = await call(alice.token, 'PUT', `/security-groups/${sg.id}`, {
      security_group: { name: 'web2', stateful: false },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.security_group.name, 'web2');
    assert.equal(updated.body.security_group.stateful, false);
    assert.equal(updated.body.security_group.revision_number, 1);
    const stale = await call(
      alice.token,
      'PUT',
      `/security-groups/${sg.id}`,
      { security_group: { name: 'x' } },
      { 'if-match': 'revision_number=0' },
    );
    assert.equal(stale.status, 412);
    const stateless = await call(alice.token, 'GET', '/security-groups?stateful=false');
    assert.deepEqual(
      stateless.body.security_groups.map((g: { id: string }) => g.id),
      [sg.id],
    );

    assert.equal((await call(bob.token, 'DELETE', `/security-groups/${sg.id}`)).status, 404);
    assert.equal(
      (await call(bob.token, 'PUT', `/security-groups/${sg.id}`, { security_group: { name: 'y' } })).status,
      404,
    );
    assert.equal((await call(alice.token, 'DELETE', `/security-groups/${sg.id}`)).status, 204);
    assert.equal((await call(alice.token, 'GET', `/security-groups/${sg.id}`)).status, 404);
    assert.ok(seen.some((n) => n.event_type === 'security_group.delete.end'));
  });

  it('protects the default group: no second default, no rename, no delete by its project', async () => {
    const list = await call(alice.token, 'GET', '/security-groups?name=default');
    const def = list.body.security_groups[0];
    for (const name of ['default', 'DEFAULT']) {
      const dup = await call(alice.token, 'POST', '/security-groups', { security_group: { name } });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.NeutronError.type, 'SecurityGroupDefaultAlreadyExists');
    }
    const other = await call(alice.token, 'POST', '/security-groups', { security_group: { name: 'o' } });
    const toDefault = await call(alice.token, 'PUT', `/security-groups/${other.body.security_group.id}`, {
      security_group: { name: 'default' },
    });
    assert.equal(toDefault.status, 409);
    const rename = await call(alice.token, 'PUT', `/security-groups/${def.id}`, { security_group: { name: 'x' } });
    assert.equal(rename.status, 409);
    assert.equal(rename.body.NeutronError.type, 'SecurityGroupCannotUpdateDefault');
    const described = await call(alice.token, 'PUT', `/security-groups/${def.id}`, {
      security_group: { description: 'mine' },
    });
    assert.equal(described.status, 200, 'the description may change');
    const del = await call(alice.token, 'DELETE', `/security-groups/${def.id}`);
    assert.equal(del.status, 409);
    assert.equal(del.body.NeutronError.type, 'SecurityGroupCannotRemoveDefault');
    // An admin may delete it; the project's next list makes a new one.
    assert.equal((await call(cloud.adminToken, 'DELETE', `/security-groups/${def.id}`)).status, 204);
    const fresh = await call(alice.token, 'GET', '/security-groups?name=default');
    assert.equal(fresh.body.security_groups.length, 1);
    assert.notEqual(fresh.body.security_groups[0].id, def.id);
  });

  it('an admin listing for a project creates its default group; creating a group creates it too', async () => {
    const carol = await createMember(cloud, 'sg-carol');
    const listed = await call(cloud.adminToken, 'GET', `/security-groups?project_id=${carol.projectId}`);
    assert.equal(listed.body.security_groups.length, 1);
    assert.equal(listed.body.security_groups[0].name, 'default');

    const dave = await createMember(cloud, 'sg-dave');
    await call(dave.token, 'POST', '/security-groups', { security_group: { name: 'first' } });
    const all = await call(dave.token, 'GET', '/security-groups?sort_key=name&sort_dir=asc&fields=name');
    assert.deepEqual(all.body.security_groups, [{ name: 'default' }, { name: 'first' }]);
    // Concurrent first lists by a new project still make one default group.
    const gina = await createMember(cloud, 'sg-gina');
    const lists = await Promise.all([1, 2, 3, 4, 5].map(() => call(gina.token, 'GET', '/security-groups')));
    for (const l of lists) assert.equal(l.status, 200, JSON.stringify(l.body));
    const ginas = await call(cloud.adminToken, 'GET', `/security-groups?project_id=${gina.projectId}`);
    assert.equal(ginas.body.security_groups.length, 1);
    // A project may not make another's default group by filtering on it.
    const eve = await createMember(cloud, 'sg-eve');
    await call(dave.token, 'GET', `/security-groups?project_id=${eve.projectId}`);
    const eves = await call(cloud.adminToken, 'GET', `/security-groups?project_id=${eve.projectId}&name=default`);
    assert.equal(eves.body.security_groups.length, 1, 'made by the admin list, not by dave');
  });

  it('bulk creates, pages with links, rejects bad input', async () => {
    const bulk = await call(bob.token, 'POST', '/security-groups', {
      security_groups: [{ name: 'b-1' }, { name: 'b-2' }, { name: 'b-3' }],
    });
    assert.equal(bulk.status, 201, JSON.stringify(bulk.body));
    assert.equal(bulk.body.security_groups.length, 3);
    const page = await call(bob.token, 'GET', '/security-groups?sort_key=name&sort_dir=asc&limit=2');
    assert.equal(page.body.security_groups.length, 2);
    assert.ok(page.body.security_groups_links.some((l: { rel: string }) => l.rel === 'next'));

    const bad: [unknown, number][] = [
      [{ security_group: { name: 'x', shared: true } }, 400],
      [{ security_group: { name: 'x', security_group_rules: [] } }, 400],
      [{ security_group: { name: 'x', stateful: 'maybe' } }, 400],
      [{ security_group: { name: 7 } }, 400],
      [{ security_group: { name: 'x', bogus: 1 } }, 400],
      [{ security_group: { name: 'x', tenant_id: alice.projectId } }, 400],
      [{ nothing: {} }, 400],
    ];
    for (const [body, status] of bad) {
      const res = await call(bob.token, 'POST', '/security-groups', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.ok(res.body.NeutronError, JSON.stringify(res.body));
    }
  });

  it('refuses to delete or change statefulness of a group in use by a port', async (t) => {
    const sg = (await call(bob.token, 'POST', '/security-groups', { security_group: { name: 'in-use' } })).body
      .security_group;
    const net = await call(bob.token, 'POST', '/networks', { network: { name: 'sgnet' } });
    if (net.status !== 201) return t.skip('networks are not served yet');
    const port = await call(bob.token, 'POST', '/ports', {
      port: { network_id: net.body.network.id, security_groups: [sg.id] },
    });
    if (port.status !== 201) return t.skip('ports are not served yet');
    const del = await call(bob.token, 'DELETE', `/security-groups/${sg.id}`);
    assert.equal(del.status, 409);
    assert.equal(del.body.NeutronError.type, 'SecurityGroupInUse');
    const flip = await call(bob.token, 'PUT', `/security-groups/${sg.id}`, { security_group: { stateful: false } });
    assert.equal(flip.status, 409);
    assert.equal((await call(bob.token, 'DELETE', `/ports/${port.body.port.id}`)).status, 204);
    assert.equal((await call(bob.token, 'DELETE', `/security-groups/${sg.id}`)).status, 204);
  });

  it('counts groups against the security_group quota', async () => {
    const limited = await startCloud(undefined, { network: { quotas: { security_group: 2 } } } as never);
    try {
      const frank = await createMember(limited, 'sg-frank');
      const post = (name: string) =>
        limited.call('POST', '/networking/v2.0/security-groups', {
          token: frank.token,
          body: { security_group: { name } },
        });
      assert.equal((await post('q1')).status, 201, 'the default group and q1 make two');
      const over = await post('q2');
      assert.equal(over.status, 409);
      assert.equal(over.body.NeutronError.type, 'OverQuota');
    } finally {
      await limited.close();
    }
  });
});
