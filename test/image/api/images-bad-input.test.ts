import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { create, PATCH_21 } from '../image-fixtures.ts';

test('images: bad input answers Glance 4xx bodies', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const img = await create(cloud, token, { name: 'x', disk_format: 'raw', container_format: 'bare' });
  const cases: { name: string; status: number; method: string; body?: unknown; raw?: string; type?: string }[] = [
    { name: 'bad disk format', status: 400, method: 'POST', body: { disk_format: 'wrong', container_format: 'bare' } },
    {
      name: 'bad container format',
      status: 400,
      method: 'POST',
      body: { disk_format: 'vhd', container_format: 'wrong' },
    },
    { name: 'read-only status', status: 403, method: 'POST', body: { status: 'active' } },
    { name: 'read-only self', status: 403, method: 'POST', body: { self: 'x' } },
    { name: 'reserved namespace', status: 403, method: 'POST', body: { os_glance_foo: 'bar' } },
    { name: 'non-string property', status: 400, method: 'POST', body: { foo: 1 } },
    { name: 'bad id', status: 400, method: 'POST', body: { id: 'nope' } },
    { name: 'protected not bool', status: 400, method: 'POST', body: { protected: 'yes' } },
    { name: 'negative min_ram', status: 400, method: 'POST', body: { min_ram: -1 } },
    { name: 'bad visibility', status: 400, method: 'POST', body: { visibility: 'everyone' } },
    { name: 'not an object', status: 400, method: 'POST', body: [1] },
    { name: 'not JSON', status: 400, method: 'POST', raw: '{"name":' },
    { name: 'patch wrong type', status: 415, method: 'PATCH', raw: '[]', type: 'application/json' },
    { name: 'patch not a list', status: 400, method: 'PATCH', raw: '{}', type: PATCH_21 },
    { name: 'patch bad op', status: 400, method: 'PATCH', raw: '[{"op":"move","path":"/name"}]', type: PATCH_21 },
    { name: 'patch no value', status: 400, method: 'PATCH', raw: '[{"op":"add","path":"/name"}]', type: PATCH_21 },
    {
      name: 'patch deep path',
      status: 400,
      method: 'PATCH',
      raw: '[{"op":"add","path":"/tags/-","value":"a"}]',
      type: PATCH_21,
    },
    {
      name: 'patch read-only',
      status: 403,
      method: 'PATCH',
      raw: '[{"op":"replace","path":"/status","value":"active"}]',
      type: PATCH_21,
    },
    {
      name: 'patch reserved',
      status: 403,
      method: 'PATCH',
      raw: '[{"op":"add","path":"/os_glance_foo","value":"x"}]',
      type: PATCH_21,
    },
    {
      name: 'patch remove base',
      status: 403,
      method: 'PATCH',
      raw: '[{"op":"remove","path":"/name"}]',
      type: PATCH_21,
    },
    {
      name: 'patch remove missing',
      status: 409,
      method: 'PATCH',
      raw: '[{"op":"remove","path":"/nope"}]',
      type: PATCH_21,
    },
    {
      name: 'patch replace missing',
      status: 409,
      method: 'PATCH',
      raw: '[{"op":"replace","path":"/nope","value":"x"}]',
      type: PATCH_21,
    },
    {
      name: 'patch bad format',
      status: 400,
      method: 'PATCH',
      raw: '[{"op":"replace","path":"/disk_format","value":"x"}]',
      type: PATCH_21,
    },
    { name: 'patch bad JSON', status: 400, method: 'PATCH', raw: '[{', type: PATCH_21 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const path = c.method === 'POST' ? '/image/v2/images' : `/image/v2/images/${img.id}`;
      const res = await cloud.call(c.method, path, {
        token,
        ...(c.raw === undefined ? { body: c.body } : { raw: c.raw }),
        ...(c.type && { headers: { 'content-type': c.type } }),
      });
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      assert.equal(res.body.code, `${c.status} ${res.body.title}`);
      assert.equal(typeof res.body.message, 'string');
    });
  }
  const missing = await cloud.call('GET', '/image/v2/images/00000000-0000-0000-0000-000000000000', { token });
  assert.equal(missing.status, 404);
  assert.equal(
    (await cloud.call('GET', '/image/v2/images/', { token })).status,
    404,
    'an empty id is a show of nothing (Tempest, interop)',
  );
  for (const q of [
    'limit=x',
    'limit=-1',
    'sort_key=colour',
    'sort_dir=up',
    'sort=name:up',
    'visibility=x',
    'member_status=x',
    'os_hidden=maybe',
    'protected=1',
    'size_min=big',
    'created_at=after:2020',
    'sort=name&sort_key=id',
    'marker=00000000-0000-0000-0000-000000000000',
    'changes-since=2020-01-01',
  ]) {
    const res = await cloud.call('GET', `/image/v2/images?${q}`, { token });
    assert.equal(res.status, 400, q);
  }
});
