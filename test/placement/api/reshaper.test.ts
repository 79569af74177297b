import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { claim, placementSuite, providerWith } from '../fixture.ts';

describe('placement: reshaper (1.30)', () => {
  const { pl } = placementSuite('1.39');

  it('moves VGPU inventory and its allocation from a host to a child provider at once', async () => {
    const host = await providerWith(pl, 'reshape-host', { VCPU: { total: 8 }, VGPU: { total: 4 } });
    const child = await pl('POST', '/resource_providers', {
      body: { name: 'reshape-gpu', parent_provider_uuid: host },
    });
    assert.equal(child.status, 200);
    const gpu = child.body.uuid as string;
    const instance = randomUUID();
    assert.equal((await claim(pl, instance, { [host]: { VCPU: 2, VGPU: 1 } })).status, 204);
    // Dropping VGPU from the host alone is refused: the instance holds some.
    const hostGen = (await pl('GET', `/resource_providers/${host}`)).body.generation;
    const refused = await pl('PUT', `/resource_providers/${host}/inventories`, {
      body: { resource_provider_generation: hostGen, inventories: { VCPU: { total: 8 } } },
    });
    assert.equal(refused.status, 409);

    const owner = { project_id: 'p1', user_id: 'u1', consumer_generation: 1, consumer_type: 'INSTANCE' };
    const res = await pl('POST', '/reshaper', {
      body: {
        inventories: {
          [host]: { resource_provider_generation: hostGen, inventories: { VCPU: { total: 8 } } },
          [gpu]: { resource_provider_generation: 0, inventories: { VGPU: { total: 4 } } },
        },
        allocations: {
          [instance]: {
            allocations: { [host]: { resources: { VCPU: 2 } }, [gpu]: { resources: { VGPU: 1 } } },
            ...owner,
          },
        },
      },
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.deepEqual(Object.keys((await pl('GET', `/resource_providers/${host}/inventories`)).body.inventories), [
      'VCPU',
    ]);
    assert.deepEqual((await pl('GET', `/resource_providers/${gpu}/usages`)).body.usages, { VGPU: 1 });
    const allocs = await pl('GET', `/allocations/${instance}`);
    assert.deepEqual(allocs.body.allocations[gpu].resources, { VGPU: 1 });
    assert.deepEqual(allocs.body.allocations[host].resources, { VCPU: 2 });
    assert.equal(allocs.body.consumer_generation, 2);
  });

  it('refuses a stale generation, unknown providers, capacity overruns, and older microversions', async () => {
    const rp = await providerWith(pl, 'reshape-rules', { VCPU: { total: 2 } });
    const body = (generation: number, total: number, vcpu: number) => ({
      inventories: { [rp]: { resource_provider_generation: generation, inventories: { VCPU: { total } } } },
      allocations: {
        [randomUUID()]: {
          allocations: { [rp]: { resources: { VCPU: vcpu } } },
          project_id: 'p',
          user_id: 'u',
          consumer_generation: null,
          consumer_type: 'INSTANCE',
        },
      },
    });
    const gen = (await pl('GET', `/resource_providers/${rp}`)).body.generation;
    const stale = await pl('POST', '/reshaper', { body: body(gen + 5, 4, 1) });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await pl('POST', '/reshaper', { body: body(gen, 4, 5) })).status, 409, 'over the new capacity');
    assert.equal((await pl('GET', `/resource_providers/${rp}/inventories/VCPU`)).body.total, 2, 'nothing changed');
    const unknown = await pl('POST', '/reshaper', {
      body: { inventories: { [randomUUID()]: { resource_provider_generation: 0, inventories: {} } }, allocations: {} },
    });
    assert.equal(unknown.status, 400);
    assert.equal((await pl('POST', '/reshaper', { body: body(gen, 4, 1), version: '1.29' })).status, 404);
    assert.equal((await pl('POST', '/reshaper', { body: { inventories: {} } })).status, 400);
    assert.equal((await pl('POST', '/reshaper', { body: body(gen, 4, 1) })).status, 204);
  });
});
