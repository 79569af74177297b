import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { placementSuite, providerWith } from '../fixture.ts';

describe('placement: traits, resource classes, aggregates', () => {
  const { pl } = placementSuite('1.39');

  it('lists standard traits, creates and deletes custom ones', async () => {
    const all = await pl('GET', '/traits');
    assert.ok(all.body.traits.includes('COMPUTE_VOLUME_MULTI_ATTACH'));
    assert.ok(all.body.traits.includes('HW_CPU_X86_AVX2'));
    const put = await pl('PUT', '/traits/CUSTOM_FAST');
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('location'), '/placement/traits/CUSTOM_FAST');
    assert.equal((await pl('PUT', '/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await pl('PUT', '/traits/NOT_CUSTOM')).status, 400);
    assert.equal((await pl('PUT', '/traits/CUSTOM_lower')).status, 400);
    assert.equal((await pl('GET', '/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await pl('GET', '/traits/CUSTOM_MISSING')).status, 404);
    assert.deepEqual((await pl('GET', '/traits?name=startswith:CUSTOM_')).body.traits, ['CUSTOM_FAST']);
    assert.deepEqual((await pl('GET', '/traits?name=in:CUSTOM_FAST,HW_CPU_X86_SSE,NOPE')).body.traits, [
      'CUSTOM_FAST',
      'HW_CPU_X86_SSE',
    ]);
    assert.equal((await pl('GET', '/traits?name=CUSTOM_FAST')).status, 400);

    const rp = await providerWith(pl, 'traits-rp', { VCPU: { total: 1 } });
    const gen = (await pl('GET', `/resource_providers/${rp}`)).body.generation;
    const set = await pl('PUT', `/resource_providers/${rp}/traits`, {
      body: { traits: ['CUSTOM_FAST', 'HW_CPU_X86_AVX'], resource_provider_generation: gen },
    });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { traits: ['CUSTOM_FAST', 'HW_CPU_X86_AVX'], resource_provider_generation: gen + 1 });
    const stale = await pl('PUT', `/resource_providers/${rp}/traits`, {
      body: { traits: [], resource_provider_generation: gen },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    const unknown = await pl('PUT', `/resource_providers/${rp}/traits`, {
      body: { traits: ['CUSTOM_NOPE'], resource_provider_generation: gen + 1 },
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual((await pl('GET', '/traits?associated=true&name=startswith:CUSTOM')).body.traits, ['CUSTOM_FAST']);
    assert.equal((await pl('DELETE', '/traits/CUSTOM_FAST')).status, 409, 'in use');
    assert.equal((await pl('DELETE', '/traits/HW_CPU_X86_AVX')).status, 400, 'standard');
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/traits`)).status, 204);
    assert.deepEqual((await pl('GET', `/resource_providers/${rp}/traits`)).body, {
      traits: [],
      resource_provider_generation: gen + 2,
    });
    assert.equal((await pl('DELETE', '/traits/CUSTOM_FAST')).status, 204);
    assert.equal((await pl('DELETE', '/traits/CUSTOM_FAST')).status, 404);
  });

  it('lists standard resource classes and manages custom ones', async () => {
    const list = await pl('GET', '/resource_classes');
    const names = list.body.resource_classes.map((c: { name: string }) => c.name);
    for (const n of ['VCPU', 'MEMORY_MB', 'DISK_GB', 'PCI_DEVICE', 'SRIOV_NET_VF', 'IPV4_ADDRESS', 'VGPU', 'PCPU'])
      assert.ok(names.includes(n), n);
    assert.deepEqual(list.body.resource_classes[0], {
      name: 'VCPU',
      links: [{ rel: 'self', href: '/placement/resource_classes/VCPU' }],
    });
    const post = await pl('POST', '/resource_classes', { body: { name: 'CUSTOM_BAREMETAL' } });
    assert.equal(post.status, 201);
    assert.equal(post.headers.get('location'), '/placement/resource_classes/CUSTOM_BAREMETAL');
    assert.equal((await pl('POST', '/resource_classes', { body: { name: 'CUSTOM_BAREMETAL' } })).status, 409);
    assert.equal((await pl('POST', '/resource_classes', { body: { name: 'BAREMETAL' } })).status, 400);
    assert.equal((await pl('PUT', '/resource_classes/CUSTOM_BAREMETAL')).status, 204);
    assert.equal((await pl('PUT', '/resource_classes/CUSTOM_FPGA_X')).status, 201);
    assert.equal((await pl('PUT', '/resource_classes/VCPU')).status, 400);
    assert.equal((await pl('GET', '/resource_classes/CUSTOM_FPGA_X')).body.name, 'CUSTOM_FPGA_X');
    const rp = await providerWith(pl, 'class-rp', { CUSTOM_BAREMETAL: { total: 1 } });
    assert.equal((await pl('DELETE', '/resource_classes/CUSTOM_BAREMETAL')).status, 409, 'in inventory');
    assert.equal((await pl('DELETE', '/resource_classes/VCPU')).status, 400);
    assert.equal((await pl('DELETE', '/resource_classes/CUSTOM_FPGA_X')).status, 204);
    assert.equal((await pl('GET', '/resource_classes/CUSTOM_FPGA_X')).status, 404);
    // 1.2–1.6 PUT renames.
    assert.equal((await pl('POST', '/resource_classes', { body: { name: 'CUSTOM_OLD' }, version: '1.2' })).status, 201);
    const renamed = await pl('PUT', '/resource_classes/CUSTOM_OLD', { body: { name: 'CUSTOM_NEW' }, version: '1.6' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'CUSTOM_NEW');
    assert.equal((await pl('POST', '/resource_classes', { body: { name: 'CUSTOM_X' }, version: '1.1' })).status, 404);
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/inventories/CUSTOM_BAREMETAL`)).status, 204);
  });

  it('sets aggregates as a bare list before 1.19 and with the generation after', async () => {
    const rp = await providerWith(pl, 'agg-rp', { VCPU: { total: 1 } });
    const a1 = randomUUID();
    const a2 = randomUUID();
    const gen = (await pl('GET', `/resource_providers/${rp}`)).body.generation;
    const old = await pl('PUT', `/resource_providers/${rp}/aggregates`, { body: [a1], version: '1.1' });
    assert.equal(old.status, 200);
    assert.deepEqual(old.body, { aggregates: [a1] });
    assert.equal((await pl('GET', `/resource_providers/${rp}`)).body.generation, gen, 'untouched before 1.19');
    const now = await pl('PUT', `/resource_providers/${rp}/aggregates`, {
      body: { aggregates: [a1, a2], resource_provider_generation: gen },
    });
    assert.equal(now.status, 200);
    assert.deepEqual(now.body, { aggregates: [a1, a2].sort(), resource_provider_generation: gen + 1 });
    const stale = await pl('PUT', `/resource_providers/${rp}/aggregates`, {
      body: { aggregates: [], resource_provider_generation: gen },
    });
    assert.equal(stale.status, 409);
    assert.equal((await pl('PUT', `/resource_providers/${rp}/aggregates`, { body: [a1] })).status, 400);
    assert.equal((await pl('GET', `/resource_providers/${rp}/aggregates`, { version: '1.0' })).status, 404);
    const byAgg = await pl('GET', `/resource_providers?member_of=${a2}`);
    assert.deepEqual(
      byAgg.body.resource_providers.map((p: { uuid: string }) => p.uuid),
      [rp],
    );
  });
});
