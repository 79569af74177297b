import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ComputeDeps } from '../../src/compute/deps.ts';
import { createSourceLookup } from '../../src/compute/metadata/source-lookup.ts';

const port = (id: string, network: string, ip: string, device: string, owner = 'compute:nova') => ({
  id,
  network_id: network,
  device_id: device,
  device_owner: owner,
  fixed_ips: [{ ip_address: ip, subnet_id: `sub-${network}` }],
});

/**
 * Networking as a table of ports. `ignoreFilters` answers every port whatever the query asks, which is what a
 * Networking that did not know a filter would do: the lookup must still name only the port that matches.
 */
function networking(ports: ReturnType<typeof port>[], opts: { ignoreFilters?: boolean } = {}) {
  const calls: string[] = [];
  const network = {
    async request(_caller: unknown, _method: string, path: string) {
      calls.push(path);
      const q = new URLSearchParams(path.split('?')[1]);
      const ip = q.get('fixed_ips')?.replace(/^ip_address=/, '');
      const answer = opts.ignoreFilters
        ? ports
        : ports.filter((p) => p.network_id === q.get('network_id') && p.fixed_ips.some((f) => f.ip_address === ip));
      await new Promise((r) => setTimeout(r, 5));
      return { status: 200, headers: new Headers(), body: { ports: answer } };
    },
  };
  return { calls, deps: { network, log: undefined } as unknown as Pick<ComputeDeps, 'network' | 'log'> };
}

describe('who a metadata request comes from', () => {
  const ports = [
    port('p1', 'net-a', '10.0.0.5', 'vm-1'),
    port('p2', 'net-a', '10.0.0.6', 'vm-2'),
    port('p3', 'net-b', '10.0.0.5', 'vm-3'),
    port('p4', 'net-a', '10.0.0.1', 'router-1', 'network:router_interface'),
  ];

  test('the port with that address on that network names the instance; others are strangers', async () => {
    const { deps } = networking(ports);
    const lookup = createSourceLookup(deps);
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.5'), 'vm-1');
    assert.equal(await lookup.instanceAt('net-b', '10.0.0.5'), 'vm-3');
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.6'), 'vm-2');
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.1'), undefined, 'a router port is no instance');
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.99'), undefined);
    assert.equal(await lookup.instanceAt('net-c', '10.0.0.5'), undefined);
  });

  test('a Networking that ignores the filters still yields only the matching port', async () => {
    const { deps } = networking(ports, { ignoreFilters: true });
    const lookup = createSourceLookup(deps);
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.6'), 'vm-2');
    assert.equal(await lookup.instanceAt('net-b', '10.0.0.5'), 'vm-3');
    assert.equal(await lookup.instanceAt('net-c', '10.0.0.5'), undefined);
  });

  test('a burst of requests from one guest costs one Networking call', async () => {
    const { deps, calls } = networking(ports);
    const lookup = createSourceLookup(deps);
    const answers = await Promise.all(Array.from({ length: 20 }, () => lookup.instanceAt('net-a', '10.0.0.5')));
    assert.deepEqual(new Set(answers), new Set(['vm-1']));
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.5'), 'vm-1');
    assert.equal(calls.length, 1);
    lookup.clear();
    await lookup.instanceAt('net-a', '10.0.0.5');
    assert.equal(calls.length, 2);
  });

  test('what is not an address is not asked about', async () => {
    const { deps, calls } = networking(ports);
    const lookup = createSourceLookup(deps);
    assert.equal(await lookup.instanceAt('net-a', '10.0.0.5&network_id=net-b'), undefined);
    assert.equal(calls.length, 0);
  });
});
