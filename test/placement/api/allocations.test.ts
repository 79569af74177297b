import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { claim, placementSuite, providerWith } from '../fixture.ts';

describe('placement: allocations and usages', () => {
  const { pl } = placementSuite();
  let hostA: string;
  let hostB: string;
  const flavor = { VCPU: 2, MEMORY_MB: 1024, DISK_GB: 10 };
  before(async () => {
    const inv = { VCPU: { total: 4 }, MEMORY_MB: { total: 4096 }, DISK_GB: { total: 100 } };
    hostA = await providerWith(pl, 'alloc-host-a', inv);
    hostB = await providerWith(pl, 'alloc-host-b', inv);
  });

  it('claims within capacity, refuses beyond it with 409, and shows the allocations', async () => {
    const one = randomUUID();
    const two = randomUUID();
    assert.equal((await claim(pl, one, { [hostA]: flavor })).status, 204);
    assert.equal((await claim(pl, two, { [hostA]: flavor })).status, 204);
    const third = await claim(pl, randomUUID(), { [hostA]: flavor });
    assert.equal(third.status, 409);
    assert.match(third.body.errors[0].detail, /exceed the capacity/);

    const shown = await pl('GET', `/allocations/${one}`, { version: '1.28' });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.allocations[hostA].resources, flavor);
    assert.equal(typeof shown.body.allocations[hostA].generation, 'number');
    assert.equal(shown.body.project_id, 'p1');
    assert.equal(shown.body.user_id, 'u1');
    assert.equal(shown.body.consumer_generation, 1);
    const at10 = await pl('GET', `/allocations/${one}`);
    assert.deepEqual(Object.keys(at10.body), ['allocations']);
    const at38 = await pl('GET', `/allocations/${one}`, { version: '1.38' });
    assert.equal(at38.body.consumer_type, 'unknown');

    const onHost = await pl('GET', `/resource_providers/${hostA}/allocations`);
    assert.deepEqual(Object.keys(onHost.body.allocations).sort(), [one, two].sort());
    assert.deepEqual(onHost.body.allocations[one].resources, flavor);
    const usages = await pl('GET', `/resource_providers/${hostA}/usages`);
    assert.deepEqual(usages.body.usages, { DISK_GB: 20, MEMORY_MB: 2048, VCPU: 4 });
    assert.equal(usages.body.resource_provider_generation, onHost.body.resource_provider_generation);
    const idle = await pl('GET', `/resource_providers/${hostB}/usages`);
    assert.deepEqual(idle.body.usages, { DISK_GB: 0, MEMORY_MB: 0, VCPU: 0 });

    const inUse = await pl('DELETE', `/resource_providers/${hostA}`, { version: '1.23' });
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.errors[0].code, 'placement.resource_provider.inuse');

    assert.equal((await pl('DELETE', `/allocations/${one}`)).status, 204);
    assert.equal((await pl('DELETE', `/allocations/${one}`)).status, 404);
    assert.equal((await pl('DELETE', `/allocations/${two}`)).status, 204);
    assert.deepEqual((await pl('GET', `/allocations/${two}`)).body, { allocations: {} });
  });

  it('checks consumer generations (1.28) and bumps provider generations', async () => {
    const c = randomUUID();
    const genBefore = (await pl('GET', `/resource_providers/${hostB}`)).body.generation;
    assert.equal((await claim(pl, c, { [hostB]: { VCPU: 1 } })).status, 204);
    assert.equal((await pl('GET', `/resource_providers/${hostB}`)).body.generation, genBefore + 1);
    const stale = await claim(pl, c, { [hostB]: { VCPU: 2 } }, null);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.errors[0].code, 'placement.concurrent_update');
    const wrong = await claim(pl, c, { [hostB]: { VCPU: 2 } }, 7);
    assert.equal(wrong.status, 409);
    assert.equal(wrong.body.errors[0].code, 'placement.concurrent_update');
    assert.equal((await claim(pl, c, { [hostB]: { VCPU: 2 } }, 1)).status, 204);
    assert.deepEqual((await pl('GET', `/allocations/${c}`)).body.allocations[hostB].resources, { VCPU: 2 });
    assert.equal((await claim(pl, randomUUID(), { [hostB]: { VCPU: 1 } }, 3)).status, 409, 'new consumer, not null');
    // Empty allocations remove the consumer; it starts again from null.
    assert.equal((await claim(pl, c, {}, 2)).status, 204);
    assert.deepEqual((await pl('GET', `/resource_providers/${hostB}/usages`)).body.usages.VCPU, 0);
    assert.equal((await claim(pl, c, { [hostB]: { VCPU: 1 } }, null)).status, 204);
    assert.equal((await pl('DELETE', `/allocations/${c}`)).status, 204);
    // 1.34 bodies may say which request group each provider served; 1.38 types the consumer.
    const typed = await pl('PUT', `/allocations/${c}`, {
      version: '1.39',
      body: {
        allocations: { [hostB]: { resources: { VCPU: 1 }, generation: 5 } },
        mappings: { '': [hostB] },
        project_id: 'p1',
        user_id: 'u1',
        consumer_generation: null,
        consumer_type: 'INSTANCE',
      },
    });
    assert.equal(typed.status, 204, JSON.stringify(typed.body));
    const shownTyped = await pl('GET', `/allocations/${c}`, { version: '1.39' });
    assert.equal(shownTyped.body.consumer_type, 'INSTANCE');
    const onB = await pl('GET', `/resource_providers/${hostB}/allocations`, { version: '1.28' });
    assert.equal(onB.body.allocations[c].consumer_generation, 1);
    assert.equal((await pl('DELETE', `/allocations/${c}`)).status, 204);
  });

  it('accepts the 1.0 list form with its rules, and refuses unknown providers, classes and constraints', async () => {
    const c = randomUUID();
    const listForm = await pl('PUT', `/allocations/${c}`, {
      body: { allocations: [{ resource_provider: { uuid: hostB }, resources: { VCPU: 1 } }] },
    });
    assert.equal(listForm.status, 204, JSON.stringify(listForm.body));
    const missingOwner = await pl('PUT', `/allocations/${c}`, {
      version: '1.8',
      body: { allocations: [{ resource_provider: { uuid: hostB }, resources: { VCPU: 1 } }] },
    });
    assert.equal(missingOwner.status, 400);
    assert.equal((await pl('DELETE', `/allocations/${c}`)).status, 204);
    assert.equal((await claim(pl, randomUUID(), { [randomUUID()]: { VCPU: 1 } })).status, 400);
    assert.equal((await claim(pl, randomUUID(), { [hostB]: { CUSTOM_NOPE: 1 } })).status, 400);
    assert.equal((await claim(pl, randomUUID(), { [hostB]: { VGPU: 1 } })).status, 409, 'no inventory of it');
    assert.equal((await claim(pl, randomUUID(), { [hostB]: { VCPU: 5 } })).status, 409, 'over max_unit');
    assert.equal((await claim(pl, randomUUID(), { [hostB]: { VCPU: 0 } })).status, 400);
  });

  it('moves a consumer between hosts atomically with POST /allocations (1.13)', async () => {
    const instance = randomUUID();
    const migration = randomUUID();
    assert.equal((await claim(pl, instance, { [hostA]: flavor })).status, 204);
    // Resize: the migration record takes over the source allocation, the instance claims the destination.
    const move = await pl('POST', '/allocations', {
      version: '1.28',
      body: {
        [migration]: {
          allocations: { [hostA]: { resources: flavor } },
          project_id: 'p1',
          user_id: 'u1',
          consumer_generation: null,
        },
        [instance]: {
          allocations: { [hostB]: { resources: flavor } },
          project_id: 'p1',
          user_id: 'u1',
          consumer_generation: 1,
        },
      },
    });
    assert.equal(move.status, 204, JSON.stringify(move.body));
    assert.deepEqual(Object.keys((await pl('GET', `/allocations/${instance}`)).body.allocations), [hostB]);
    assert.deepEqual(Object.keys((await pl('GET', `/allocations/${migration}`)).body.allocations), [hostA]);

    // One member over capacity fails the whole request: nothing changes.
    const tooBig = await pl('POST', '/allocations', {
      version: '1.13',
      body: {
        [migration]: { allocations: {}, project_id: 'p1', user_id: 'u1' },
        [instance]: {
          allocations: { [hostA]: { resources: { VCPU: 4, MEMORY_MB: 8192 } } },
          project_id: 'p1',
          user_id: 'u1',
        },
      },
    });
    assert.equal(tooBig.status, 409);
    assert.deepEqual(Object.keys((await pl('GET', `/allocations/${migration}`)).body.allocations), [hostA]);
    assert.deepEqual(Object.keys((await pl('GET', `/allocations/${instance}`)).body.allocations), [hostB]);

    // Confirm: the migration's allocation goes.
    const confirm = await pl('POST', '/allocations', {
      version: '1.28',
      body: { [migration]: { allocations: {}, project_id: 'p1', user_id: 'u1', consumer_generation: 1 } },
    });
    assert.equal(confirm.status, 204, JSON.stringify(confirm.body));
    assert.deepEqual((await pl('GET', `/allocations/${migration}`)).body.allocations, {});
    assert.equal((await pl('POST', '/allocations', { version: '1.12', body: {} })).status, 404, 'before 1.13');

    const usage = await pl('GET', '/usages?project_id=p1', { version: '1.9' });
    assert.equal(usage.status, 200);
    assert.deepEqual(usage.body.usages, flavor);
    assert.deepEqual((await pl('GET', '/usages?project_id=p1&user_id=nobody', { version: '1.9' })).body.usages, {});
    const typed = await pl('GET', '/usages?project_id=p1', { version: '1.38' });
    assert.deepEqual(typed.body.usages, { unknown: { consumer_count: 1, ...flavor } });
    assert.equal((await pl('GET', '/usages', { version: '1.9' })).status, 400);
    assert.equal((await pl('GET', '/usages?project_id=p1', { version: '1.8' })).status, 404);
    assert.equal((await pl('DELETE', `/allocations/${instance}`)).status, 204);
  });
});
