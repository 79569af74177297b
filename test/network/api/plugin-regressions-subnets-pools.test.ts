import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';

/** Regressions found by neutron-tempest-plugin: subnets, subnet pools, address scopes, paging, raw bodies. */
describe('neutron-tempest-plugin regressions: subnets, pools, paging', () => {
  let cloud: TestCloud;
  let alice: Member;
  const net = (token: string, method: string, path: string, body?: unknown) =>
    cloud.call(method, `/networking/v2.0${path}`, { token, body });
  const network = async (token: string, extra: Record<string, unknown> = {}) =>
    (await net(token, 'POST', '/networks', { network: { name: 'n', ...extra } })).body.network;
  const pool = (token: string, subnetpool: Record<string, unknown>) =>
    net(token, 'POST', '/subnetpools', { subnetpool: { name: 'p', ...subnetpool } });
  const scope = async (token: string, extra: Record<string, unknown> = {}) =>
    (await net(token, 'POST', '/address-scopes', { address_scope: { name: 's', ip_version: 4, ...extra } })).body
      .address_scope;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'plugreg-alice');
  });
  after(() => cloud.close());

  it('reads a PUT body sent without Content-Type as JSON (the plugin client does so)', async () => {
    const made = await scope(alice.token);
    const res = await fetch(`${cloud.base}/networking/v2.0/address-scopes/${made.id}`, {
      method: 'PUT',
      headers: { 'x-auth-token': alice.token },
      body: new TextEncoder().encode(JSON.stringify({ address_scope: { name: 'renamed' } })),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).address_scope.name, 'renamed');
  });

  it("pages with Neutron's links: a full last page links to an empty next one, which links back", async () => {
    const n = await network(alice.token);
    for (const name of ['pg-a', 'pg-b']) await net(alice.token, 'POST', '/ports', { port: { network_id: n.id, name } });
    const page = (query: string) => net(alice.token, 'GET', `/ports?network_id=${n.id}&sort_key=name&${query}`);
    const rels = (body: { ports_links?: { rel: string; href: string }[] }) =>
      Object.fromEntries((body.ports_links ?? []).map((l) => [l.rel, new URL(l.href)]));
    const first = await page('limit=1');
    assert.deepEqual(Object.keys(rels(first.body)).sort(), ['next', 'previous']);
    const second = await page(rels(first.body).next.search.slice(1));
    assert.equal(second.body.ports[0].name, 'pg-b');
    const last = await page(rels(second.body).next.search.slice(1));
    assert.deepEqual(last.body.ports, []);
    const links = rels(last.body);
    assert.equal(links.next, undefined);
    assert.equal(links.previous.searchParams.get('marker'), null);
    assert.equal(links.previous.searchParams.get('page_reverse'), 'True');
    const back = await page(links.previous.search.slice(1));
    assert.equal(back.body.ports[0].name, 'pg-b');
  });

  it('filters subnets on their network being shared', async () => {
    const mine = await network(alice.token);
    const shared = await network(cloud.adminToken, { shared: true });
    const priv = await net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: mine.id, ip_version: 4, cidr: '10.77.0.0/24' },
    });
    const pub = await net(cloud.adminToken, 'POST', '/subnets', {
      subnet: { network_id: shared.id, ip_version: 4, cidr: '10.78.0.0/24' },
    });
    const ids = async (token: string, query: string) =>
      (await net(token, 'GET', `/subnets?${query}`)).body.subnets.map((s: { id: string }) => s.id);
    for (const token of [alice.token, cloud.adminToken]) {
      assert.ok((await ids(token, 'shared=True')).includes(pub.body.subnet.id));
      assert.ok(!(await ids(token, 'shared=True')).includes(priv.body.subnet.id));
      assert.ok((await ids(token, 'shared=False')).includes(priv.body.subnet.id));
      assert.ok(!(await ids(token, 'shared=False')).includes(pub.body.subnet.id));
    }
    assert.equal((await net(alice.token, 'GET', '/subnets?shared=maybe')).status, 400);
  });

  it('shows pool prefix lengths as strings and keeps the network of a prefix with host bits', async () => {
    const made = await pool(alice.token, { prefixes: ['10.11.12.13/24', '10.11.13.0/24'], min_prefixlen: '29' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const sp = made.body.subnetpool;
    assert.deepEqual(sp.prefixes, ['10.11.12.0/23']);
    assert.equal(sp.min_prefixlen, '29');
    assert.equal(sp.default_prefixlen, '29');
    assert.equal(sp.max_prefixlen, '32');
    assert.equal((await pool(alice.token, { prefixes: ['10.11/16'] })).status, 400);
  });

  it('replaces pool prefixes on update, refusing to drop any', async () => {
    const sp = (await pool(alice.token, { prefixes: ['10.20.0.0/16'] })).body.subnetpool;
    const shrink = await net(alice.token, 'PUT', `/subnetpools/${sp.id}`, {
      subnetpool: { prefixes: ['10.20.0.0/24'] },
    });
    assert.equal(shrink.status, 400);
    assert.equal(shrink.body.NeutronError.type, 'IllegalSubnetPoolPrefixUpdate');
    const grow = await net(alice.token, 'PUT', `/subnetpools/${sp.id}`, {
      subnetpool: { prefixes: ['10.20.0.0/16', '10.30.0.0/16'] },
    });
    assert.deepEqual(grow.body.subnetpool.prefixes, ['10.20.0.0/16', '10.30.0.0/16']);
  });

  it('keeps prefixes unique within an address scope (409) and shared scopes to their owner (400)', async () => {
    const s = await scope(alice.token);
    const a = (await pool(alice.token, { prefixes: ['20.0.0.0/18'], address_scope_id: s.id })).body.subnetpool;
    const clash = await pool(alice.token, { prefixes: ['20.0.0.0/12'], address_scope_id: s.id });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.NeutronError.type, 'AddressScopePrefixConflict');
    await pool(alice.token, { prefixes: ['20.10.0.0/24'], address_scope_id: s.id });
    const grow = await net(alice.token, 'PUT', `/subnetpools/${a.id}`, { subnetpool: { prefixes: ['20.0.0.0/12'] } });
    assert.equal(grow.status, 409);

    const sharedScope = await scope(cloud.adminToken, { shared: true });
    const assoc = await pool(alice.token, { prefixes: ['30.0.0.0/18'], address_scope_id: sharedScope.id });
    assert.equal(assoc.status, 400);
    assert.equal(assoc.body.NeutronError.type, 'IllegalSubnetPoolAssociationToAddressScope');
    const b = (await pool(alice.token, { prefixes: ['30.0.0.0/18'] })).body.subnetpool;
    const byAdmin = await net(cloud.adminToken, 'PUT', `/subnetpools/${b.id}`, {
      subnetpool: { address_scope_id: sharedScope.id },
    });
    assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
    const update = { subnetpool: { prefixes: ['30.0.0.0/18', '40.0.0.0/18'] } };
    const byOwner = await net(alice.token, 'PUT', `/subnetpools/${b.id}`, update);
    assert.equal(byOwner.status, 400);
    assert.equal(byOwner.body.NeutronError.type, 'IllegalSubnetPoolUpdate');
    assert.equal((await net(cloud.adminToken, 'PUT', `/subnetpools/${b.id}`, update)).status, 200);
  });

  it('refuses to unshare a shared address scope', async () => {
    const s = await scope(cloud.adminToken, { shared: true });
    const res = await net(cloud.adminToken, 'PUT', `/address-scopes/${s.id}`, {
      address_scope: { name: 'x', shared: false },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.NeutronError.type, 'AddressScopeUpdateError');
  });

  it('counts an IPv6 /64 exactly in network-ip-availabilities', async () => {
    const n = await network(alice.token);
    await net(alice.token, 'POST', '/subnets', {
      subnet: { network_id: n.id, ip_version: 6, cidr: '2001:db8:77::/64' },
    });
    const res = await fetch(`${cloud.base}/networking/v2.0/network-ip-availabilities/${n.id}`, {
      headers: { 'x-auth-token': cloud.adminToken },
    });
    const text = await res.text();
    assert.match(text, /"total_ips":18446744073709551614\b/);
  });
});
