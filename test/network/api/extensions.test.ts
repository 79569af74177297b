import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

describe('extensions', () => {
  let cloud: TestCloud;
  const net = (path: string) => cloud.call('GET', `/networking/v2.0${path}`, { token: cloud.adminToken });

  before(async () => {
    cloud = await startCloud();
  });
  after(() => cloud.close());

  it('lists each extension once, with Neutron fields', async () => {
    const res = await net('/extensions');
    assert.equal(res.status, 200);
    const aliases = res.body.extensions.map((e: { alias: string }) => e.alias);
    assert.equal(new Set(aliases).size, aliases.length, 'no alias twice');
    for (const alias of ['quotas', 'quota_details', 'rbac-policies', 'standard-attr-tag', 'network-ip-availability'])
      assert.ok(aliases.includes(alias), alias);
    for (const e of res.body.extensions) {
      assert.deepEqual(Object.keys(e).sort(), ['alias', 'description', 'links', 'name', 'updated'], e.alias);
      assert.match(e.updated, /^\d{4}-\d\d-\d\dT/, e.alias);
      assert.deepEqual(e.links, []);
    }
    const tag = res.body.extensions.find((e: { alias: string }) => e.alias === 'standard-attr-tag');
    assert.match(tag.name, /network/);
  });

  it('shows one extension by alias, and 404 for an unknown one', async () => {
    const res = await net('/extensions/quotas');
    assert.equal(res.status, 200);
    assert.equal(res.body.extension.name, 'Quota management support');
    const missing = await net('/extensions/warp-drive');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.NeutronError.message, 'Extension with alias warp-drive does not exist');
  });

  it('lists the collections this work adds under /v2.0', async () => {
    const res = await net('');
    const collections = res.body.resources.map((r: { collection: string }) => r.collection);
    for (const c of ['quotas', 'rbac-policies', 'network-ip-availabilities']) assert.ok(collections.includes(c), c);
  });
});
