import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { badInputCases } from '../bad-input-cases.ts';
import { type Placement, placementClient, providerWith } from '../fixture.ts';

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

  it('answers every case with its status and the error body', async () => {
    const failures: string[] = [];
    for (const c of badInputCases(rp, consumer)) {
      const res = await pl(c.method, c.path, { version: c.version, body: c.body, raw: c.raw });
      const e = res.body?.errors?.[0];
      if (res.status !== c.status) failures.push(`${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
      else if (!e || e.status !== c.status || typeof e.detail !== 'string' || !/^req-/.test(e.request_id ?? ''))
        failures.push(`${c.name}: body ${JSON.stringify(res.body)}`);
      else if (c.code && e.code !== c.code) failures.push(`${c.name}: code ${e.code}`);
    }
    assert.deepEqual(failures, []);
    assert.ok(badInputCases(rp, consumer).length >= 20);
  });
});
