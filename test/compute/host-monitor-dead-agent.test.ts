import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import {
  eventually,
  HOSTS,
  hostOf,
  hostsReported,
  nova,
  partitionableBus,
  publicImage,
  type Server,
  settled,
} from './conductor-fixture.ts';

test('a compute host dying mid-boot: its servers end ACTIVE elsewhere or ERROR, never BUILD', async () => {
  const { bus, kill } = partitionableBus();
  const cloud = await startCloud(
    undefined,
    {
      compute: {
        hosts: HOSTS,
        // Long enough to catch the builds spawning, short heartbeats so the dead host is noticed in seconds.
        fakeDelayMs: 1500,
        reportInterval: 1,
        serviceDownTime: 3,
        quotas: { instances: -1, cores: -1, ram: -1 },
      },
    },
    { bus },
  );
  try {
    await hostsReported(cloud, HOSTS);
    const imageRef = await publicImage(cloud);
    const res = await nova(cloud, 'POST', '/servers', {
      server: { name: 'doomed', imageRef, flavorRef: '42', networks: 'none', min_count: 5 },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const spawning = await eventually('a server spawning on a host', async () => {
      const list = await nova(cloud, 'GET', '/servers/detail?name=^doomed');
      return (list.body?.servers as Server[] | undefined)?.find(
        (s) => s['OS-EXT-STS:task_state'] === 'spawning' && hostOf(s),
      );
    });
    const victim = hostOf(spawning);
    kill(victim);

    const servers = await settled(cloud, 'doomed', 5, 40000);
    for (const s of servers) assert.ok(['ACTIVE', 'ERROR'].includes(s.status), `${s.id} is ${s.status}`);
    const rescued = servers.find((s) => s.id === spawning.id);
    assert.ok(rescued);
    if (rescued.status === 'ACTIVE') assert.notEqual(hostOf(rescued), victim);
    else assert.match(rescued.fault.message, /No valid host was found|stopped reporting/);
    assert.ok(
      servers.every((s) => s.status !== 'ACTIVE' || hostOf(s) !== victim),
      'no server is ACTIVE on the dead host',
    );
  } finally {
    await cloud.close();
  }
});

test('no compute host at all: the build ends in ERROR with No valid host', async (t) => {
  const { bus, kill } = partitionableBus();
  const cloud = await startCloud(t, { compute: { hosts: ['lonely'], reportInterval: 1, serviceDownTime: 2 } }, { bus });
  await hostsReported(cloud, ['lonely']);
  kill('lonely');
  const imageRef = await publicImage(cloud);
  // Once the host is down the ComputeFilter leaves no candidate.
  await new Promise((r) => setTimeout(r, 2500));
  const res = await nova(cloud, 'POST', '/servers', {
    server: { name: 'nohost', imageRef, flavorRef: '42', networks: 'none' },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const [server] = await settled(cloud, 'nohost', 1);
  assert.equal(server.status, 'ERROR');
  assert.equal(server.fault.message, 'No valid host was found. There are not enough hosts available.');
  // A server on no live host is deleted at once, without an agent.
  assert.equal((await nova(cloud, 'DELETE', `/servers/${server.id}`)).status, 204);
  await eventually('the server gone', async () =>
    (await nova(cloud, 'GET', `/servers/${server.id}`)).status === 404 ? true : undefined,
  );
});
