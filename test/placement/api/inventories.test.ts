import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { claim, placementSuite } from '../fixture.ts';

describe('placement: inventories', () => {
  const { pl } = placementSuite();

  const newProvider = async (name: string) => {
    const res = await pl('POST', '/resource_providers', { body: { name }, version: '1.20' });
    return res.body.uuid as string;
  };

  it('replaces all inventories with defaults, bumping the generation; a stale generation is 409', async () => {
    const rp = await newProvider('inv-all');
    const put = await pl('PUT', `/resource_providers/${rp}/inventories`, {
      body: {
        resource_provider_generation: 0,
        inventories: { VCPU: { total: 8, allocation_ratio: 4.0 }, MEMORY_MB: { total: 4096, reserved: 512 } },
      },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.resource_provider_generation, 1);
    assert.deepEqual(put.body.inventories.VCPU, {
      total: 8,
      reserved: 0,
      min_unit: 1,
      max_unit: 2147483647,
      step_size: 1,
      allocation_ratio: 4,
    });
    assert.equal(put.body.inventories.MEMORY_MB.reserved, 512);
    const stale = await pl('PUT', `/resource_providers/${rp}/inventories`, {
      version: '1.23',
      body: { resource_provider_generation: 0, inventories: {} },
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');

    const shown = await pl('GET', `/resource_providers/${rp}/inventories`);
    assert.equal(shown.body.resource_provider_generation, 1);
    assert.deepEqual(Object.keys(shown.body.inventories).sort(), ['MEMORY_MB', 'VCPU']);
    const one = await pl('GET', `/resource_providers/${rp}/inventories/VCPU`);
    assert.equal(one.status, 200);
    assert.equal(one.body.total, 8);
    assert.equal(one.body.resource_provider_generation, 1);
    assert.equal((await pl('GET', `/resource_providers/${rp}/inventories/DISK_GB`)).status, 404);
    const rpShown = await pl('GET', `/resource_providers/${rp}`);
    assert.equal(rpShown.body.generation, 1);
  });

  it('creates, updates and deletes one class; capacity is (total - reserved) * ratio', async () => {
    const rp = await newProvider('inv-one');
    const post = await pl('POST', `/resource_providers/${rp}/inventories`, {
      body: { resource_class: 'DISK_GB', total: 100, reserved: 10, allocation_ratio: 1.5 },
    });
    assert.equal(post.status, 201, JSON.stringify(post.body));
    assert.equal(post.headers.get('location'), `/placement/resource_providers/${rp}/inventories/DISK_GB`);
    assert.equal(post.body.resource_provider_generation, 1);
    assert.equal(
      (await pl('POST', `/resource_providers/${rp}/inventories`, { body: { resource_class: 'DISK_GB', total: 1 } }))
        .status,
      409,
    );
    const upd = await pl('PUT', `/resource_providers/${rp}/inventories/DISK_GB`, {
      body: { resource_provider_generation: 1, total: 200, reserved: 20, max_unit: 300, allocation_ratio: 1.5 },
    });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.resource_provider_generation, 2);
    // capacity (200 - 20) * 1.5 = 270: 270 fits, 271 does not.
    assert.equal((await claim(pl, randomUUID(), { [rp]: { DISK_GB: 271 } })).status, 409);
    const consumer = randomUUID();
    assert.equal((await claim(pl, consumer, { [rp]: { DISK_GB: 270 } })).status, 204);

    const inUse = await pl('DELETE', `/resource_providers/${rp}/inventories/DISK_GB`, { version: '1.23' });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.errors[0].code, 'placement.inventory.inuse');
    const gen = (await pl('GET', `/resource_providers/${rp}`)).body.generation;
    const dropAll = await pl('PUT', `/resource_providers/${rp}/inventories`, {
      version: '1.23',
      body: { resource_provider_generation: gen, inventories: {} },
    });
    assert.equal(dropAll.status, 409);
    assert.equal(dropAll.body.errors[0].code, 'placement.inventory.inuse');
    assert.equal((await pl('DELETE', `/allocations/${consumer}`)).status, 204);
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/inventories/DISK_GB`)).status, 204);
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/inventories/DISK_GB`)).status, 404);
  });

  it('checks reserved against total (1.26 allows equal) and rejects unknown classes', async () => {
    const rp = await newProvider('inv-rules');
    const put = (version: string, inventories: unknown, generation = 0) =>
      pl('PUT', `/resource_providers/${rp}/inventories`, {
        version,
        body: { resource_provider_generation: generation, inventories },
      });
    assert.equal((await put('1.25', { VCPU: { total: 4, reserved: 4 } })).status, 400);
    assert.equal((await put('1.25', { VCPU: { total: 4, reserved: 5 } })).status, 400);
    assert.equal((await put('1.26', { VCPU: { total: 4, reserved: 5 } })).status, 400);
    assert.equal((await put('1.26', { VCPU: { total: 4, reserved: 4 } })).status, 200);
    assert.equal((await put('1.26', { NOT_A_CLASS: { total: 4 } }, 1)).status, 400);
    assert.equal((await put('1.26', { VCPU: { total: 0 } }, 1)).status, 400);
    assert.equal((await put('1.26', { VCPU: { total: 4, allocation_ratio: 0 } }, 1)).status, 400);
    // DELETE of all inventories arrived in 1.5.
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/inventories`, { version: '1.4' })).status, 405);
    assert.equal((await pl('DELETE', `/resource_providers/${rp}/inventories`, { version: '1.5' })).status, 204);
    assert.deepEqual((await pl('GET', `/resource_providers/${rp}/inventories`)).body.inventories, {});
  });

  it('answers 404 for inventories of an unknown provider', async () => {
    const res = await pl('GET', `/resource_providers/${randomUUID()}/inventories`, { version: '1.23' });
    assert.equal(res.status, 404);
    assert.equal(res.body.errors[0].code, 'placement.resource_provider.not_found');
  });
});
