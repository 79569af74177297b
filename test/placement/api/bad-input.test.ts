import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { type Placement, placementClient, providerWith } from '../fixture.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  version?: string;
  body?: unknown;
  raw?: string;
  status: number;
  code?: string;
}

describe('placement: bad input answers 4xx with the Placement error body, never 500', () => {
  let cloud: TestCloud;
  let pl: Placement;
  let rp = '';
  const consumer = randomUUID();
  before(async () => {
    cloud = await startCloud();
    pl = placementClient(cloud);
    rp = await providerWith(pl, 'bad-input-host', { VCPU: { total: 4 }, MEMORY_MB: { total: 1024 } });
  });
  after(() => cloud.close());

  const dict = (resources: unknown, extra: Record<string, unknown> = {}) => ({
    allocations: { [rp]: { resources } },
    project_id: 'p',
    user_id: 'u',
    consumer_generation: null,
    ...extra,
  });

  const cases = (): Case[] => [
    { name: 'version header garbage', method: 'GET', path: '/resource_providers', version: 'one', status: 400 },
    { name: 'version 1.1000', method: 'GET', path: '/resource_providers', version: '1.1000', status: 406 },
    { name: 'unknown path', method: 'GET', path: '/no_such_thing', status: 404 },
    { name: 'unknown list filter', method: 'GET', path: '/resource_providers?colour=red', status: 400 },
    { name: 'bad uuid filter', method: 'GET', path: '/resource_providers?uuid=nope', status: 400 },
    { name: 'bad member_of', method: 'GET', path: '/resource_providers?member_of=nope', version: '1.3', status: 400 },
    {
      name: 'bad resources filter',
      method: 'GET',
      path: '/resource_providers?resources=VCPU',
      version: '1.4',
      status: 400,
    },
    {
      name: 'zero resources amount',
      method: 'GET',
      path: '/resource_providers?resources=VCPU:0',
      version: '1.4',
      status: 400,
    },
    {
      name: 'unknown class filter',
      method: 'GET',
      path: '/resource_providers?resources=CUSTOM_NONE:1',
      version: '1.4',
      status: 400,
    },
    { name: 'bad required', method: 'GET', path: '/resource_providers?required=lower', version: '1.18', status: 400 },
    { name: 'create without name', method: 'POST', path: '/resource_providers', body: {}, status: 400 },
    {
      name: 'create name too long',
      method: 'POST',
      path: '/resource_providers',
      body: { name: 'x'.repeat(201) },
      status: 400,
    },
    {
      name: 'create bad uuid',
      method: 'POST',
      path: '/resource_providers',
      body: { name: 'a', uuid: 'zzz' },
      status: 400,
    },
    {
      name: 'create extra field',
      method: 'POST',
      path: '/resource_providers',
      body: { name: 'a', colour: 1 },
      status: 400,
    },
    {
      name: 'parent before 1.14',
      method: 'POST',
      path: '/resource_providers',
      body: { name: 'a', parent_provider_uuid: randomUUID() },
      status: 400,
    },
    {
      name: 'unknown parent',
      method: 'POST',
      path: '/resource_providers',
      version: '1.14',
      body: { name: 'a', parent_provider_uuid: randomUUID() },
      status: 400,
    },
    { name: 'malformed JSON', method: 'POST', path: '/resource_providers', raw: '{"name":', status: 400 },
    { name: 'body not an object', method: 'POST', path: '/resource_providers', body: [1, 2], status: 400 },
    { name: 'update missing name', method: 'PUT', path: `/resource_providers/${rp}`, body: {}, status: 400 },
    {
      name: 'update unknown provider',
      method: 'PUT',
      path: `/resource_providers/${randomUUID()}`,
      body: { name: 'q' },
      status: 404,
    },
    { name: 'delete unknown provider', method: 'DELETE', path: `/resource_providers/${randomUUID()}`, status: 404 },
    {
      name: 'inventories without generation',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      body: { inventories: {} },
      status: 400,
    },
    {
      name: 'inventory total string',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      body: { resource_provider_generation: 1, inventories: { VCPU: { total: '4' } } },
      status: 400,
    },
    {
      name: 'inventory negative reserved',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      body: { resource_provider_generation: 1, inventories: { VCPU: { total: 4, reserved: -1 } } },
      status: 400,
    },
    {
      name: 'inventory huge total',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      body: { resource_provider_generation: 1, inventories: { VCPU: { total: 2 ** 40 } } },
      status: 400,
    },
    {
      name: 'inventory lower-case class',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      body: { resource_provider_generation: 1, inventories: { vcpu: { total: 4 } } },
      status: 400,
    },
    {
      name: 'inventory stale generation',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories`,
      version: '1.23',
      body: { resource_provider_generation: 99, inventories: {} },
      status: 409,
      code: 'placement.concurrent_update',
    },
    {
      name: 'post inventory without class',
      method: 'POST',
      path: `/resource_providers/${rp}/inventories`,
      body: { total: 1 },
      status: 400,
    },
    {
      name: 'put one inventory not there',
      method: 'PUT',
      path: `/resource_providers/${rp}/inventories/DISK_GB`,
      body: { resource_provider_generation: 1, total: 1 },
      status: 400,
    },
    {
      name: 'allocations not a dict at 1.12',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.12',
      body: { allocations: [], project_id: 'p', user_id: 'u' },
      status: 400,
    },
    {
      name: 'allocations missing consumer_generation at 1.28',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: { allocations: {}, project_id: 'p', user_id: 'u' },
      status: 400,
    },
    {
      name: 'allocation amount negative',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: dict({ VCPU: -1 }),
      status: 400,
    },
    {
      name: 'allocation amount float',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: dict({ VCPU: 1.5 }),
      status: 400,
    },
    {
      name: 'allocation empty resources',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: dict({}),
      status: 400,
    },
    {
      name: 'allocation over capacity',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: dict({ VCPU: 5 }),
      status: 409,
    },
    {
      name: 'allocation consumer_type before 1.38',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.28',
      body: dict({ VCPU: 1 }, { consumer_type: 'INSTANCE' }),
      status: 400,
    },
    {
      name: 'allocation missing consumer_type at 1.38',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.38',
      body: dict({ VCPU: 1 }),
      status: 400,
    },
    {
      name: 'allocation bad consumer uuid',
      method: 'PUT',
      path: '/allocations/not-a-uuid',
      version: '1.28',
      body: dict({ VCPU: 1 }),
      status: 400,
    },
    {
      name: 'empty allocations before 1.28',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.27',
      body: { allocations: {}, project_id: 'p', user_id: 'u' },
      status: 400,
    },
    {
      name: 'mappings before 1.34',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      version: '1.33',
      body: dict({ VCPU: 1 }, { mappings: { '': [rp] } }),
      status: 400,
    },
    {
      name: 'delete all inventories before 1.5',
      method: 'DELETE',
      path: `/resource_providers/${rp}/inventories`,
      version: '1.4',
      status: 405,
    },
    { name: 'standard trait PUT', method: 'PUT', path: '/traits/HW_CPU_X86_AVX', version: '1.6', status: 400 },
    { name: 'resource classes before 1.2', method: 'GET', path: '/resource_classes', version: '1.1', status: 404 },
    {
      name: 'list form empty at 1.0',
      method: 'PUT',
      path: `/allocations/${consumer}`,
      body: { allocations: [] },
      status: 400,
    },
    {
      name: 'post allocations empty body',
      method: 'POST',
      path: '/allocations',
      version: '1.13',
      body: {},
      status: 400,
    },
    {
      name: 'post allocations bad key',
      method: 'POST',
      path: '/allocations',
      version: '1.13',
      body: { nope: { allocations: {}, project_id: 'p', user_id: 'u' } },
      status: 400,
    },
    { name: 'delete allocations none', method: 'DELETE', path: `/allocations/${randomUUID()}`, status: 404 },
    {
      name: 'candidates without resources',
      method: 'GET',
      path: '/allocation_candidates',
      version: '1.10',
      status: 400,
    },
    {
      name: 'candidates bad limit',
      method: 'GET',
      path: '/allocation_candidates?resources=VCPU:1&limit=0',
      version: '1.16',
      status: 400,
    },
    {
      name: 'candidates limit text',
      method: 'GET',
      path: '/allocation_candidates?resources=VCPU:1&limit=ten',
      version: '1.16',
      status: 400,
    },
    {
      name: 'candidates repeated resources',
      method: 'GET',
      path: '/allocation_candidates?resources=VCPU:1&resources=VCPU:2',
      version: '1.10',
      status: 400,
    },
    {
      name: 'candidates bad member_of',
      method: 'GET',
      path: '/allocation_candidates?resources=VCPU:1&member_of=in:x',
      version: '1.21',
      status: 400,
    },
    {
      name: 'candidates unknown class',
      method: 'GET',
      path: '/allocation_candidates?resources=CUSTOM_NONE:1',
      version: '1.10',
      status: 400,
    },
    {
      name: 'candidates forbidden before 1.22',
      method: 'GET',
      path: '/allocation_candidates?resources=VCPU:1&required=!HW_CPU_X86_SSE',
      version: '1.17',
      status: 400,
    },
    { name: 'trait lower case', method: 'PUT', path: '/traits/CUSTOM_a', version: '1.6', status: 400 },
    {
      name: 'rp traits not a list',
      method: 'PUT',
      path: `/resource_providers/${rp}/traits`,
      version: '1.6',
      body: { traits: 'X', resource_provider_generation: 1 },
      status: 400,
    },
    {
      name: 'aggregates bad uuid',
      method: 'PUT',
      path: `/resource_providers/${rp}/aggregates`,
      version: '1.19',
      body: { aggregates: ['x'], resource_provider_generation: 1 },
      status: 400,
    },
    {
      name: 'aggregates duplicate',
      method: 'PUT',
      path: `/resource_providers/${rp}/aggregates`,
      version: '1.1',
      body: [rp, rp],
      status: 400,
    },
    {
      name: 'resource class bad name',
      method: 'POST',
      path: '/resource_classes',
      version: '1.2',
      body: { name: 'CUSTOM_a-b' },
      status: 400,
    },
    { name: 'usages bad key', method: 'GET', path: '/usages?project_id=p&colour=red', version: '1.9', status: 400 },
    { name: 'text body', method: 'POST', path: '/resource_providers', raw: 'name=a', status: 400 },
  ];

  it('answers every case with its status and the error body', async () => {
    const failures: string[] = [];
    for (const c of cases()) {
      const res = await pl(c.method, c.path, { version: c.version, body: c.body, raw: c.raw });
      const e = res.body?.errors?.[0];
      if (res.status !== c.status) failures.push(`${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
      else if (!e || e.status !== c.status || typeof e.detail !== 'string' || !/^req-/.test(e.request_id ?? ''))
        failures.push(`${c.name}: body ${JSON.stringify(res.body)}`);
      else if (c.code && e.code !== c.code) failures.push(`${c.name}: code ${e.code}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(cases().length >= 20);
  });
});
