import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

test('list filters, sorting, paging and multiple create', async (t) => {
  const f = await serverFixture(t);
  const multi = await f.compute('POST', '/servers', {
    body: {
      server: {
        name: 'multi',
        imageRef: f.imageId,
        flavorRef: '42',
        min_count: 2,
        max_count: 3,
        networks: [{ uuid: f.networkId }],
      },
    },
  });
  assert.equal(multi.status, 202, JSON.stringify(multi.body));
  const reserve = await f.compute('POST', '/servers', {
    body: {
      server: {
        name: 'resv',
        imageRef: f.imageId,
        flavorRef: '84',
        return_reservation_id: true,
        networks: [{ uuid: f.networkId }],
      },
    },
  });
  assert.equal(reserve.status, 202);
  assert.match(reserve.body.reservation_id, /^r-[a-z0-9]{8}$/);
  assert.deepEqual(Object.keys(reserve.body), ['reservation_id']);

  const all = await f.compute('GET', '/servers/detail');
  assert.equal(all.body.servers.length, 4);
  const names = all.body.servers.map((s: { name: string }) => s.name).sort();
  assert.deepEqual(names, ['multi-1', 'multi-2', 'multi-3', 'resv']);
  for (const s of all.body.servers) await f.waitFor(s.id, 'ACTIVE');
  // Nova's multiple-create hostnames: the sanitized name with the same -n suffix; before 2.19 the name is also
  // the description.
  const detail293 = await f.compute('GET', '/servers/detail?name=multi', { mv: '2.93' });
  assert.deepEqual(detail293.body.servers.map((s: Record<string, string>) => s['OS-EXT-SRV-ATTR:hostname']).sort(), [
    'multi-1',
    'multi-2',
    'multi-3',
  ]);
  assert.deepEqual(
    detail293.body.servers.map((s: Record<string, string>) => s.description),
    ['multi', 'multi', 'multi'],
  );

  const q = async (query: string, mv?: string) => {
    const res = await f.compute('GET', `/servers${query}`, { mv });
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
    return res.body.servers.map((s: { name: string }) => s.name).sort();
  };
  assert.deepEqual(await q('?name=multi'), ['multi-1', 'multi-2', 'multi-3']);
  assert.deepEqual(await q('?name=^res'), ['resv']);
  assert.deepEqual(await q('?flavor=84'), ['resv']);
  assert.deepEqual(await q(`?image=${f.imageId}&name=multi-2`), ['multi-2']);
  assert.deepEqual(await q(`?reservation_id=${reserve.body.reservation_id}`), ['resv']);
  assert.deepEqual(await q('?status=active&name=resv'), ['resv']);
  assert.deepEqual(await q('?status=shutoff'), []);
  assert.deepEqual(await q('?status=bogus'), []);
  assert.equal((await f.compute('GET', '/servers?status=bogus', { mv: '2.38' })).status, 400);
  assert.deepEqual(await q('?changes-since=2051-01-01T12:34:00Z'), []);
  assert.equal((await f.compute('GET', '/servers?changes-since=2011/01/01')).status, 400);
  assert.equal((await f.compute('GET', '/servers?limit=testing')).status, 400);
  assert.equal((await f.compute('GET', '/servers?limit=-1')).status, 400);
  assert.deepEqual(await q('?limit=0'), []);
  assert.equal((await f.compute('GET', '/servers?marker=nope')).status, 400);
  assert.equal((await f.compute('GET', '/servers?bogus=1')).status, 200);
  assert.equal((await f.compute('GET', '/servers?bogus=1', { mv: '2.75' })).status, 400);

  // Keys Nova ignores before 2.75 and refuses after; joined-table filters are refused; regex column filters.
  assert.equal((await f.compute('GET', '/servers?sort_key=id')).status, 200);
  assert.equal((await f.compute('GET', '/servers?sort_key=id', { mv: '2.75' })).status, 400);
  assert.equal((await f.compute('GET', '/servers?sort_key=bogus')).status, 400);
  assert.equal((await f.compute('GET', '/servers?metadata=x')).status, 400);
  assert.deepEqual(await q('?hostname=^multi-[12]$', '2.90'), ['multi-1', 'multi-2']);
  assert.deepEqual(await q('?sort_dir=asc&name=multi'), ['multi-1', 'multi-2', 'multi-3']);
  const sorted = await f.compute('GET', '/servers/detail?sort_key=display_name&sort_dir=asc');
  assert.deepEqual(
    sorted.body.servers.map((s: { name: string }) => s.name),
    ['multi-1', 'multi-2', 'multi-3', 'resv'],
  );
  const page1 = await f.compute('GET', '/servers?limit=2&sort_key=display_name&sort_dir=asc');
  assert.equal(page1.body.servers.length, 2);
  assert.equal(page1.body.servers_links[0].rel, 'next');
  const next = new URL(page1.body.servers_links[0].href);
  const page2 = await f.cloud.call('GET', `${next.pathname}${next.search}`, { token: f.token });
  assert.deepEqual(
    page2.body.servers.map((s: { name: string }) => s.name),
    ['multi-3', 'resv'],
  );

  // Tags (2.26): filters and the tags API.
  const target = all.body.servers.find((s: { name: string }) => s.name === 'resv').id;
  assert.equal((await f.compute('PUT', `/servers/${target}/tags/blue`, { mv: '2.26' })).status, 201);
  assert.equal((await f.compute('PUT', `/servers/${target}/tags/blue`, { mv: '2.26' })).status, 204);
  assert.equal((await f.compute('GET', `/servers/${target}/tags/blue`, { mv: '2.26' })).status, 204);
  assert.equal((await f.compute('GET', `/servers/${target}/tags/red`, { mv: '2.26' })).status, 404);
  assert.equal((await f.compute('GET', `/servers/${target}/tags`, { mv: '2.25' })).status, 404);
  const put = await f.compute('PUT', `/servers/${target}/tags`, { mv: '2.26', body: { tags: ['blue', 'green'] } });
  assert.deepEqual(put.body.tags, ['blue', 'green']);
  assert.deepEqual(await q('?tags=blue,green', '2.26'), ['resv']);
  assert.deepEqual(await q('?tags-any=green,yellow', '2.26'), ['resv']);
  assert.deepEqual(await q('?not-tags-any=green', '2.26'), ['multi-1', 'multi-2', 'multi-3']);
  assert.equal(
    (await f.compute('PUT', `/servers/${target}/tags`, { mv: '2.26', body: { tags: ['a,b'] } })).status,
    400,
  );
  assert.equal((await f.compute('DELETE', `/servers/${target}/tags/blue`, { mv: '2.26' })).status, 204);
  assert.equal((await f.compute('DELETE', `/servers/${target}/tags/blue`, { mv: '2.26' })).status, 404);
  assert.equal((await f.compute('DELETE', `/servers/${target}/tags`, { mv: '2.26' })).status, 204);

  // Metadata API.
  const md = (m: string, p: string, body?: unknown) => f.compute(m, `/servers/${target}/metadata${p}`, { body });
  assert.deepEqual((await md('POST', '', { metadata: { a: '1', b: '2' } })).body, { metadata: { a: '1', b: '2' } });
  assert.deepEqual((await md('PUT', '', { metadata: { c: '3' } })).body, { metadata: { c: '3' } });
  assert.deepEqual((await md('GET', '/c')).body, { meta: { c: '3' } });
  assert.equal((await md('GET', '/a')).status, 404);
  assert.equal((await md('PUT', '/key', { meta: { testkey: 'v' } })).status, 400);
  assert.equal((await md('PUT', '/d', { meta: { d: '4' } })).status, 200);
  assert.equal((await md('POST', '', { metadata: { '': 'x' } })).status, 400);
  assert.equal((await md('POST', '', { meta: { a: 'x' } })).status, 400);
  const many = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v']));
  assert.equal((await md('POST', '', { metadata: many })).status, 403);
  assert.equal((await md('DELETE', '/d')).status, 204);
  assert.deepEqual((await md('GET', '')).body, { metadata: { c: '3' } });

  // Deleted servers: hidden by default, listed with changes-since and deleted=true for admins.
  assert.equal((await f.compute('DELETE', `/servers/${target}`)).status, 204);
  await f.waitFor(target, 'DELETED');
  assert.deepEqual(await q(''), ['multi-1', 'multi-2', 'multi-3']);
  assert.deepEqual(await q('?status=deleted'), ['resv']);
  const deleted = await f.compute('GET', '/servers/detail?deleted=true');
  assert.deepEqual(
    deleted.body.servers.map((s: { status: string }) => s.status),
    ['DELETED'],
  );
  assert.ok((await q('?changes-since=2000-01-01T00:00:00Z')).includes('resv'));
});
