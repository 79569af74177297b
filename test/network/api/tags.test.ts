import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

describe('tags', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'tag-alice');
    bob = await createMember(cloud, 'tag-bob');
  });
  after(() => cloud.close());

  it('replaces, adds, checks, removes one and removes all tags of a network', async () => {
    const created = await net(alice.token, 'POST', '/networks', { network: { name: 'tagged' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.network.id;
    const base = `/networks/${id}/tags`;

    const replaced = await net(alice.token, 'PUT', base, { tags: ['red', 'blue'] });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual(replaced.body.tags, ['red', 'blue']);
    assert.deepEqual((await net(alice.token, 'GET', base)).body.tags.sort(), ['blue', 'red']);

    const added = await net(alice.token, 'PUT', `${base}/green`, {});
    assert.equal(added.status, 201);
    assert.equal(added.body, undefined, 'an empty body');
    assert.equal((await net(alice.token, 'PUT', `${base}/green`, {})).status, 201, 'adding twice is fine');
    assert.equal((await net(alice.token, 'GET', `${base}/green`)).status, 204);
    const absent = await net(alice.token, 'GET', `${base}/purple`);
    assert.equal(absent.status, 404);
    assert.equal(absent.body.NeutronError.type, 'TagNotFound');

    const shown = await net(alice.token, 'GET', `/networks/${id}`);
    assert.deepEqual(shown.body.network.tags.sort(), ['blue', 'green', 'red']);
    assert.equal(shown.body.network.revision_number, 2, 'two changes, two revisions');
    const filtered = await net(alice.token, 'GET', '/networks?tags=green&fields=id');
    assert.deepEqual(
      filtered.body.networks.map((n: { id: string }) => n.id),
      [id],
    );

    assert.equal((await net(alice.token, 'DELETE', `${base}/red`)).status, 204);
    const gone = await net(alice.token, 'DELETE', `${base}/red`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.NeutronError.type, 'TagNotFound');
    assert.equal((await net(alice.token, 'DELETE', base)).status, 204);
    assert.deepEqual((await net(alice.token, 'GET', base)).body.tags, []);
    assert.equal((await net(alice.token, 'GET', `/networks/${id}`)).body.network.revision_number, 4);
  });

  it("hides another project's network, and lets a project it is shared with read but not change tags", async () => {
    const own = await net(alice.token, 'POST', '/networks', { network: { name: 'private' } });
    const priv = own.body.network.id;
    await net(alice.token, 'PUT', `/networks/${priv}/tags`, { tags: ['mine'] });
    const hidden = await net(bob.token, 'GET', `/networks/${priv}/tags`);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.NeutronError.type, 'TagResourceNotFound');
    assert.equal((await net(bob.token, 'PUT', `/networks/${priv}/tags/x`, {})).status, 404);

    const shared = await net(cloud.adminToken, 'POST', '/networks', { network: { name: 'pub', shared: true } });
    const sid = shared.body.network.id;
    await net(cloud.adminToken, 'PUT', `/networks/${sid}/tags`, { tags: ['ops'] });
    assert.deepEqual((await net(bob.token, 'GET', `/networks/${sid}/tags`)).body.tags, ['ops']);
    assert.equal((await net(bob.token, 'GET', `/networks/${sid}/tags/ops`)).status, 204);
    const denied = await net(bob.token, 'PUT', `/networks/${sid}/tags/bob`, {});
    assert.equal(denied.status, 403);
    assert.equal(denied.body.NeutronError.type, 'PolicyNotAuthorized');
    assert.equal((await net(bob.token, 'DELETE', `/networks/${sid}/tags`)).status, 403);
    assert.deepEqual((await net(bob.token, 'GET', `/networks/${sid}/tags`)).body.tags, ['ops']);
  });

  it('refuses bad tags and bodies with 400', async () => {
    const created = await net(alice.token, 'POST', '/networks', { network: { name: 'bad-tags' } });
    const base = `/networks/${created.body.network.id}/tags`;
    const cases: unknown[] = [
      {},
      { tags: 'red' },
      { tags: [1] },
      { tags: ['a', 'a'] },
      { tags: ['x'.repeat(256)] },
      { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
    ];
    for (const body of cases) {
      const res = await net(alice.token, 'PUT', base, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.ok(res.body.NeutronError);
    }
    assert.equal((await net(alice.token, 'PUT', `${base}/${'y'.repeat(256)}`, {})).status, 400);
    assert.equal((await net(alice.token, 'GET', '/networks/00000000-0000-0000-0000-000000000000/tags')).status, 404);
  });

  it('tags security groups too when they are installed', async (t) => {
    const made = await net(alice.token, 'POST', '/security-groups', { security_group: { name: 'web' } });
    if (made.status !== 201) return t.skip('security groups are not installed');
    const id = made.body.security_group.id;
    assert.equal((await net(alice.token, 'PUT', `/security-groups/${id}/tags/web`, {})).status, 201);
    assert.deepEqual((await net(alice.token, 'GET', `/security-groups/${id}/tags`)).body.tags, ['web']);
    assert.equal((await net(bob.token, 'GET', `/security-groups/${id}/tags`)).status, 404);
  });

  it('tags subnets, ports, routers and subnet pools as Tempest does', async (t) => {
    const n = await net(alice.token, 'POST', '/networks', { network: { name: 'ext-tags' } });
    const network_id = n.body.network.id;
    const made: [string, string, Record<string, unknown>][] = [
      ['subnets', 'subnet', { network_id, cidr: '10.7.0.0/24', ip_version: 4 }],
      ['ports', 'port', { network_id }],
      ['routers', 'router', { name: 'r' }],
      ['subnetpools', 'subnetpool', { name: 'sp', prefixes: ['10.200.0.0/16'] }],
    ];
    for (const [collection, member, body] of made) {
      const res = await net(alice.token, 'POST', `/${collection}`, { [member]: body });
      if (res.status !== 201) {
        t.diagnostic(`${collection} not installed (${res.status})`);
        continue;
      }
      const base = `/${collection}/${res.body[member].id}/tags`;
      assert.equal((await net(alice.token, 'PUT', `${base}/one`, {})).status, 201, collection);
      assert.deepEqual((await net(alice.token, 'PUT', base, { tags: ['a', 'b', 'c'] })).body.tags, ['a', 'b', 'c']);
      assert.equal((await net(alice.token, 'GET', `${base}/b`)).status, 204, collection);
      assert.equal((await net(bob.token, 'GET', base)).status, 404, collection);
      assert.equal((await net(alice.token, 'DELETE', base)).status, 204, collection);
      assert.deepEqual((await net(alice.token, 'GET', base)).body.tags, [], collection);
      const shown = await net(alice.token, 'GET', `/${collection}/${res.body[member].id}`);
      assert.equal(shown.body[member].revision_number >= 3, true, `${collection} revision bumped`);
    }
  });
});
