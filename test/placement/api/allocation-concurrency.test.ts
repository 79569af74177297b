import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { claim, placementSuite, providerWith } from '../fixture.ts';

describe('placement: allocation writes under concurrency', () => {
  const { pl } = placementSuite();

  it('20 parallel claims against capacity for 10: exactly 10 succeed, usage is 10', async () => {
    const rp = await providerWith(pl, 'race-host', { VCPU: { total: 10 } });
    const results = await Promise.all(Array.from({ length: 20 }, () => claim(pl, randomUUID(), { [rp]: { VCPU: 1 } })));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 204).length, 10, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 10, JSON.stringify(statuses));
    assert.equal((await pl('GET', `/resource_providers/${rp}/usages`)).body.usages.VCPU, 10);
    const gen = (await pl('GET', `/resource_providers/${rp}`)).body.generation;
    // One bump for the inventory, one per successful claim.
    assert.equal(gen, 11);
  });

  it('parallel moves and claims across two hosts never overcommit either', async () => {
    const a = await providerWith(pl, 'race-a', { VCPU: { total: 6 } });
    const b = await providerWith(pl, 'race-b', { VCPU: { total: 6 } });
    const consumers = Array.from({ length: 6 }, () => randomUUID());
    for (const c of consumers) assert.equal((await claim(pl, c, { [a]: { VCPU: 1 } })).status, 204);
    // Every consumer tries to move to b while fresh consumers race for b's capacity.
    const moves = consumers.map((c) =>
      pl('POST', '/allocations', {
        version: '1.28',
        body: {
          [c]: {
            allocations: { [b]: { resources: { VCPU: 1 } } },
            project_id: 'p1',
            user_id: 'u1',
            consumer_generation: 1,
          },
        },
      }),
    );
    const fresh = Array.from({ length: 6 }, () => claim(pl, randomUUID(), { [b]: { VCPU: 1 } }));
    const done = await Promise.all([...moves, ...fresh]);
    const ok = done.filter((r) => r.status === 204).length;
    assert.equal(ok, 6, JSON.stringify(done.map((r) => r.status)));
    const usageA = (await pl('GET', `/resource_providers/${a}/usages`)).body.usages.VCPU;
    const usageB = (await pl('GET', `/resource_providers/${b}/usages`)).body.usages.VCPU;
    assert.equal(usageB, 6);
    const movedCount = (await Promise.all(moves)).filter((r) => r.status === 204).length;
    assert.equal(usageA, 6 - movedCount);
  });

  it('a provider deleted while claims race for it: never both a deleted provider and a kept claim', async () => {
    for (let round = 0; round < 5; round++) {
      const rp = await providerWith(pl, `race-delete-${round}`, { VCPU: { total: 100 } });
      const claims = Array.from({ length: 6 }, () => claim(pl, randomUUID(), { [rp]: { VCPU: 1 } }));
      const deleted = pl('DELETE', `/resource_providers/${rp}`);
      const [gone, ...made] = await Promise.all([deleted, ...claims]);
      const kept = made.filter((r) => r.status === 204).length;
      assert.ok([204, 409].includes(gone.status), `delete ${gone.status}`);
      assert.ok(
        made.every((r) => [204, 400, 409].includes(r.status)),
        JSON.stringify(made.map((r) => r.status)),
      );
      if (gone.status === 204) assert.equal(kept, 0, 'claims on a deleted provider');
      else {
        const onRp = await pl('GET', `/resource_providers/${rp}/allocations`);
        assert.equal(Object.keys(onRp.body.allocations).length, kept);
      }
    }
  });

  it('parallel writes of the same new consumer: one wins, the others get 409', async () => {
    const rp = await providerWith(pl, 'race-same', { VCPU: { total: 100 } });
    const c = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => claim(pl, c, { [rp]: { VCPU: 1 } })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 204).length, 1, JSON.stringify(statuses));
    assert.ok(
      statuses.every((s) => s === 204 || s === 409),
      JSON.stringify(statuses),
    );
    assert.equal((await pl('GET', `/resource_providers/${rp}/usages`)).body.usages.VCPU, 1);
  });
});
