import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { claim, placementSuite, providerWith } from '../fixture.ts';

describe('placement: allocation candidates', () => {
  const { pl } = placementSuite();
  let big: string;
  let small: string;
  let ssd: string;
  const agg = randomUUID();
  // The all-in-one's own compute host reports a provider too: answers are read for these three only.
  const MINE = 'CUSTOM_CANDIDATE_TEST';
  before(async () => {
    big = await providerWith(
      pl,
      'cand-big',
      { VCPU: { total: 16, allocation_ratio: 4 }, MEMORY_MB: { total: 32768, reserved: 512 }, DISK_GB: { total: 500 } },
      ['COMPUTE_STATUS_DISABLED', MINE],
    );
    small = await providerWith(
      pl,
      'cand-small',
      { VCPU: { total: 2 }, MEMORY_MB: { total: 2048 }, DISK_GB: { total: 20 } },
      [MINE],
    );
    ssd = await providerWith(
      pl,
      'cand-ssd',
      { VCPU: { total: 8 }, MEMORY_MB: { total: 8192 }, DISK_GB: { total: 100 } },
      ['STORAGE_DISK_SSD', 'CUSTOM_GOLD', MINE],
    );
    const gen = (await pl('GET', `/resource_providers/${ssd}`)).body.generation;
    const put = await pl('PUT', `/resource_providers/${ssd}/aggregates`, {
      version: '1.19',
      body: { aggregates: [agg], resource_provider_generation: gen },
    });
    assert.equal(put.status, 200);
  });

  const candidates = (query: string, version = '1.39') => pl('GET', `/allocation_candidates?${query}`, { version });
  const uuidsOf = (body: { allocation_requests: { allocations: Record<string, unknown> }[] }) =>
    body.allocation_requests.map((r) => Object.keys(r.allocations)[0]).filter((u) => [big, small, ssd].includes(u));
  const requestOf = (body: any, rp: string) =>
    body.allocation_requests.find((r: { allocations: Record<string, unknown> }) => rp in r.allocations);

  it('lists every provider with capacity for the whole request, with summaries', async () => {
    const res = await candidates('resources=VCPU:1,MEMORY_MB:512,DISK_GB:1');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(uuidsOf(res.body), [big, small, ssd]);
    const req = requestOf(res.body, big);
    assert.deepEqual(req.allocations[big].resources, { VCPU: 1, MEMORY_MB: 512, DISK_GB: 1 });
    assert.deepEqual(req.mappings, { '': [big] });
    const sum = res.body.provider_summaries[big];
    assert.deepEqual(sum.resources.VCPU, { capacity: 64, used: 0 });
    assert.deepEqual(sum.resources.MEMORY_MB, { capacity: 32256, used: 0 });
    assert.deepEqual(sum.traits, ['COMPUTE_STATUS_DISABLED', MINE]);
    assert.equal(sum.root_provider_uuid, big);

    const bigOnly = await candidates('resources=VCPU:9,MEMORY_MB:512');
    assert.deepEqual(uuidsOf(bigOnly.body), [big]);
    assert.deepEqual((await candidates(`resources=VCPU:100&required=${MINE}`)).body, {
      allocation_requests: [],
      provider_summaries: {},
    });
  });

  it('counts what is allocated already', async () => {
    const c = randomUUID();
    assert.equal((await claim(pl, c, { [small]: { VCPU: 2, MEMORY_MB: 1024 } })).status, 204);
    const res = await candidates('resources=VCPU:1');
    assert.ok(!uuidsOf(res.body).includes(small));
    const withMem = await candidates('resources=MEMORY_MB:1024');
    assert.ok(uuidsOf(withMem.body).includes(small));
    assert.deepEqual(withMem.body.provider_summaries[small].resources.MEMORY_MB, { capacity: 2048, used: 1024 });
    assert.equal((await pl('DELETE', `/allocations/${c}`)).status, 204);
  });

  it('filters by required and forbidden traits, aggregates, tree and limit', async () => {
    assert.deepEqual(uuidsOf((await candidates('resources=VCPU:1&required=STORAGE_DISK_SSD')).body), [ssd]);
    assert.deepEqual(uuidsOf((await candidates('resources=VCPU:1&required=STORAGE_DISK_SSD,CUSTOM_GOLD')).body), [ssd]);
    assert.deepEqual(uuidsOf((await candidates('resources=VCPU:1&required=!COMPUTE_STATUS_DISABLED')).body), [
      small,
      ssd,
    ]);
    assert.deepEqual(
      uuidsOf((await candidates('resources=VCPU:1&required=in:CUSTOM_GOLD,COMPUTE_STATUS_DISABLED')).body),
      [big, ssd],
    );
    assert.deepEqual(uuidsOf((await candidates(`resources=VCPU:1&member_of=${agg}`)).body), [ssd]);
    assert.deepEqual(uuidsOf((await candidates(`resources=VCPU:1&member_of=in:${agg},${randomUUID()}`)).body), [ssd]);
    assert.deepEqual(uuidsOf((await candidates(`resources=VCPU:1&member_of=!${agg}`)).body), [big, small]);
    assert.deepEqual(uuidsOf((await candidates(`resources=VCPU:1&in_tree=${small}`)).body), [small]);
    const limited = await candidates(`resources=VCPU:1&required=${MINE}&limit=2`);
    assert.deepEqual(uuidsOf(limited.body), [big, small]);
    assert.deepEqual(Object.keys(limited.body.provider_summaries).sort(), [big, small].sort());
    assert.equal((await candidates('resources=VCPU:1&required=CUSTOM_UNKNOWN')).status, 400);
  });

  it('shapes the answer by microversion', async () => {
    const v110 = await candidates('resources=VCPU:1,DISK_GB:1', '1.10');
    assert.equal(v110.status, 200);
    const v110big = v110.body.allocation_requests.find(
      (r: { allocations: { resource_provider: { uuid: string } }[] }) =>
        r.allocations[0].resource_provider.uuid === big,
    );
    assert.deepEqual(v110big.allocations, [{ resource_provider: { uuid: big }, resources: { VCPU: 1, DISK_GB: 1 } }]);
    assert.deepEqual(Object.keys(v110.body.provider_summaries[big].resources).sort(), ['DISK_GB', 'VCPU']);
    assert.equal(v110.body.provider_summaries[big].traits, undefined);
    const v127 = await candidates('resources=VCPU:1', '1.27');
    assert.deepEqual(Object.keys(v127.body.provider_summaries[big].resources).sort(), ['DISK_GB', 'MEMORY_MB', 'VCPU']);
    assert.equal(v127.body.allocation_requests[0].mappings, undefined);
    assert.equal((await candidates('resources=VCPU:1', '1.9')).status, 404);
    assert.equal((await candidates('resources=VCPU:1&limit=1', '1.15')).status, 400, 'limit arrived in 1.16');
  });

  it('merges granular request groups (1.25) onto the one provider of each host', async () => {
    const both = await candidates(
      'resources=VCPU:1&resources1=MEMORY_MB:4096&required1=STORAGE_DISK_SSD&group_policy=none',
    );
    assert.equal(both.status, 200, JSON.stringify(both.body));
    assert.deepEqual(uuidsOf(both.body), [ssd]);
    assert.deepEqual(both.body.allocation_requests[0].allocations[ssd].resources, { VCPU: 1, MEMORY_MB: 4096 });
    assert.deepEqual(both.body.allocation_requests[0].mappings, { '': [ssd], '1': [ssd] });
    const summed = await candidates('resources1=VCPU:5&resources2=VCPU:4&group_policy=none');
    assert.deepEqual(uuidsOf(summed.body), [big], 'nine VCPUs in all: more than ssd has');
    const named = await candidates('resources_COMPUTE=VCPU:1&resources_NET=MEMORY_MB:1&group_policy=none');
    assert.equal(named.status, 200, JSON.stringify(named.body));
    assert.deepEqual(requestOf(named.body, big).mappings, { _COMPUTE: [big], _NET: [big] });
    const isolated = await candidates(
      `resources1=VCPU:1&required1=${MINE}&resources2=MEMORY_MB:1&group_policy=isolate`,
    );
    assert.deepEqual(isolated.body, { allocation_requests: [], provider_summaries: {} });
    assert.equal((await candidates('resources1=VCPU:1&resources2=MEMORY_MB:1')).status, 400, 'group_policy needed');
    assert.equal((await candidates('resources1=VCPU:1', '1.24')).status, 400);
    assert.equal((await candidates('resources_X=VCPU:1', '1.32')).status, 400);
    assert.equal((await candidates('required1=CUSTOM_GOLD&resources=VCPU:1')).status, 400, 'a group without resources');
    const rootRequired = await candidates('resources=VCPU:1&root_required=CUSTOM_GOLD');
    assert.deepEqual(uuidsOf(rootRequired.body), [ssd]);
  });

  it('filters the provider list by capacity, traits and aggregates', async () => {
    const list = (q: string, version = '1.39') => pl('GET', `/resource_providers?${q}`, { version });
    const names = async (q: string) =>
      (await list(q)).body.resource_providers
        .map((p: { name: string }) => p.name)
        .filter((n: string) => n.startsWith('cand-'))
        .sort();
    assert.deepEqual(await names('resources=VCPU:9'), ['cand-big']);
    assert.deepEqual(await names('required=STORAGE_DISK_SSD'), ['cand-ssd']);
    assert.deepEqual(await names(`member_of=${agg}`), ['cand-ssd']);
    assert.deepEqual(await names('required=!STORAGE_DISK_SSD&resources=DISK_GB:20'), ['cand-big', 'cand-small']);
    assert.equal((await list('resources=VCPU:1', '1.3')).status, 400, 'resources arrived in 1.4');
  });
});
