import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusTimeout, NoConsumer } from '../../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../../src/core/bus/memory-bus.ts';

test('cast reaches one consumer, round robin, after cast returns', async () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  bus.serve({ topic: 'compute', server: 'a' }, { boot: (p) => void seen.push(`a:${(p as { id: string }).id}`) });
  bus.serve({ topic: 'compute', server: 'b' }, { boot: (p) => void seen.push(`b:${(p as { id: string }).id}`) });
  await bus.cast({ topic: 'compute' }, 'boot', { id: '1' });
  await bus.cast({ topic: 'compute' }, 'boot', { id: '2' });
  await bus.cast({ topic: 'compute', server: 'b' }, 'boot', { id: '3' });
  assert.deepEqual(seen, [], 'delivery is asynchronous, like a broker');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen.sort(), ['a:1', 'b:2', 'b:3']);
});

test('call returns the reply, clones payloads and times out', async () => {
  const bus = createMemoryBus();
  const payload = { n: 1 };
  bus.serve(
    { topic: 't' },
    {
      add: (p) => {
        (p as { n: number }).n += 1;
        return p;
      },
      slow: () => new Promise((r) => setTimeout(r, 200)),
    },
  );
  assert.deepEqual(await bus.call({ topic: 't' }, 'add', payload), { n: 2 });
  assert.equal(payload.n, 1, 'the handler got a copy');
  await assert.rejects(bus.call({ topic: 't' }, 'slow', {}, { timeoutMs: 20 }), BusTimeout);
  await assert.rejects(bus.call({ topic: 'nobody' }, 'x', {}), NoConsumer);
});

test('fanout reaches every listener; notifications filter by prefix', async () => {
  const bus = createMemoryBus();
  const got: string[] = [];
  bus.listenFanout('auth', { revoked: () => void got.push('one') });
  bus.listenFanout('auth', { revoked: () => void got.push('two') });
  const sub = bus.listenNotifications('identity.', (n) => void got.push(n.event_type));
  bus.listenNotifications('compute.', (n) => void got.push(`wrong ${n.event_type}`));
  await bus.fanout('auth', 'revoked', {});
  await bus.notify({ event_type: 'identity.project.created', publisher_id: 'identity', payload: {} });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got.sort(), ['identity.project.created', 'one', 'two']);
  sub.unsubscribe();
  await bus.notify({ event_type: 'identity.project.deleted', publisher_id: 'identity', payload: {} });
  await new Promise((r) => setImmediate(r));
  assert.equal(got.length, 3);
});
