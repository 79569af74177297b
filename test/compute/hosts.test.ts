import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller, waitForComputeHost } from './compute-fixture.ts';

const HOST = 'hosts-test-host';

describe('os-hosts (≤ 2.42)', () => {
  let cloud: TestCloud;
  let alice: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { network: { host: HOST } });
    alice = await createMember(cloud, 'hosts-alice');
    await waitForComputeHost(cloud, HOST);
  });
  after(() => cloud.close());

  it('lists hosts by zone and shows resources', async () => {
    const admin = cloud.adminToken;
    const list = await nova(admin, 'GET', '/os-hosts');
    assert.deepEqual(list.body.hosts.map((h: { service: string }) => h.service).sort(), [
      'compute',
      'conductor',
      'scheduler',
    ]);
    assert.deepEqual((await nova(admin, 'GET', '/os-hosts?zone=nova')).body.hosts, [
      { host_name: HOST, service: 'compute', zone: 'nova' },
    ]);
    assert.equal((await nova(admin, 'GET', '/os-hosts?zone=internal')).body.hosts.length, 2);
    assert.deepEqual((await nova(admin, 'GET', '/os-hosts?zone=elsewhere')).body.hosts, []);
    assert.equal((await nova(admin, 'GET', '/os-hosts?zone=')).body.hosts.length, 3);
    const shown = await nova(admin, 'GET', `/os-hosts/${HOST}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(
      shown.body.host.map((r: { resource: { project: string } }) => r.resource.project),
      ['(total)', '(used_now)', '(used_max)'],
    );
    assert.equal(shown.body.host[0].resource.cpu, 1000);
    const dis = await nova(admin, 'PUT', `/os-hosts/${HOST}`, { status: 'disable' });
    assert.deepEqual(dis.body, { host: HOST, status: 'disabled' });
    await nova(admin, 'PUT', `/os-hosts/${HOST}`, { status: 'enable' });
    assert.equal((await nova(admin, 'GET', '/os-hosts', undefined, '2.43')).status, 404);
  });

  it('answers Nova’s negatives', async () => {
    const admin = cloud.adminToken;
    const cases: [string, string, string, unknown, number][] = [
      ['show unknown', admin, `GET /os-hosts/nohost`, undefined, 404],
      ['list as member', alice.token, 'GET /os-hosts', undefined, 403],
      ['show as member', alice.token, `GET /os-hosts/${HOST}`, undefined, 403],
      ['update as member', alice.token, `PUT /os-hosts/${HOST}`, { status: 'enable' }, 403],
      ['update extra param', admin, `PUT /os-hosts/${HOST}`, { status: 'enable', foo: 'bar' }, 400],
      ['update bad status', admin, `PUT /os-hosts/${HOST}`, { status: 'invalid' }, 400],
      ['update bad maintenance', admin, `PUT /os-hosts/${HOST}`, { maintenance_mode: 'invalid' }, 400],
      ['update nothing', admin, `PUT /os-hosts/${HOST}`, {}, 400],
      ['update nulls', admin, `PUT /os-hosts/${HOST}`, { status: null, maintenance_mode: null }, 400],
      ['update unknown host', admin, 'PUT /os-hosts/nohost', { status: 'enable' }, 404],
      ['startup unknown', admin, 'GET /os-hosts/nohost/startup', undefined, 404],
      ['shutdown unknown', admin, 'GET /os-hosts/nohost/shutdown', undefined, 404],
      ['reboot unknown', admin, 'GET /os-hosts/nohost/reboot', undefined, 404],
      ['startup as member', alice.token, `GET /os-hosts/${HOST}/startup`, undefined, 403],
      ['shutdown as member', alice.token, `GET /os-hosts/${HOST}/shutdown`, undefined, 403],
      ['reboot as member', alice.token, `GET /os-hosts/${HOST}/reboot`, undefined, 403],
    ];
    for (const [name, token, call, body, status] of cases) {
      const [method, path] = call.split(' ');
      const res = await nova(token, method, path, body);
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    }
  });
});
