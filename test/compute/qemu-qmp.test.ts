import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { QmpClient, QmpError } from '../../src/compute/drivers/qemu/qmp.ts';

/** A tiny QMP server: greets, insists on qmp_capabilities first, answers a few commands, emits events. */
function fakeQmp(path: string, opts: { greet?: boolean } = {}) {
  const seen: string[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((sock) => {
    sockets.push(sock);
    let negotiated = false;
    let buf = '';
    const send = (m: unknown) => sock.write(`${JSON.stringify(m)}\r\n`);
    if (opts.greet !== false) send({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } });
    sock.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const msg = JSON.parse(buf.slice(0, nl)) as {
          execute: string;
          id: string;
          arguments?: Record<string, unknown>;
        };
        buf = buf.slice(nl + 1);
        seen.push(msg.execute);
        if (!negotiated && msg.execute !== 'qmp_capabilities') {
          send({ id: msg.id, error: { class: 'CommandNotFound', desc: 'Expecting capabilities negotiation' } });
        } else if (msg.execute === 'qmp_capabilities') {
          negotiated = true;
          send({ id: msg.id, return: {} });
        } else if (msg.execute === 'query-status') {
          // An event may arrive between a command and its answer.
          send({ event: 'RESUME', timestamp: { seconds: 1, microseconds: 0 } });
          send({ id: msg.id, return: { status: 'running', running: true } });
        } else if (msg.execute === 'device_del') {
          send({ id: msg.id, return: {} });
          setTimeout(
            () => send({ event: 'DEVICE_DELETED', data: { path: '/machine/peripheral/x/virtio-backend' } }),
            10,
          );
          setTimeout(() => send({ event: 'DEVICE_DELETED', data: { device: msg.arguments?.id } }), 20);
        } else if (msg.execute === 'hang') {
          // never answers
        } else if (msg.execute === 'quit') {
          send({ id: msg.id, return: {} });
          sock.end();
        } else
          send({
            id: msg.id,
            error: { class: 'CommandNotFound', desc: `The command ${msg.execute} has not been found` },
          });
      }
    });
  });
  return { server, seen, sockets, listen: () => new Promise<void>((r) => server.listen(path, r)) };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-qmp-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('handshake, commands matched by id, errors, events and close', async () => {
  const path = join(dir, 'a.sock');
  const fake = fakeQmp(path);
  await fake.listen();
  const c = await QmpClient.connect(path);
  assert.deepEqual(c.version, { major: 7, minor: 2, micro: 0 });
  assert.deepEqual(fake.seen, ['qmp_capabilities']);

  const events: string[] = [];
  c.on('event', (e) => events.push(e.event));
  assert.deepEqual(await c.execute('query-status'), { status: 'running', running: true });
  assert.deepEqual(events, ['RESUME']);

  await assert.rejects(
    c.execute('nope'),
    (err: unknown) => err instanceof QmpError && err.qmpClass === 'CommandNotFound',
  );
  await assert.rejects(c.execute('hang', undefined, { timeoutMs: 100 }), /QMP hang: no answer in 100 ms/);

  const deleted = c.waitEvent('DEVICE_DELETED', 2000, (e) => e.data?.device === 'nic-1');
  await c.execute('device_del', { id: 'nic-1' });
  assert.deepEqual((await deleted).data, { device: 'nic-1' });
  await assert.rejects(c.waitEvent('NEVER', 50), /no NEVER in 50 ms/);

  await c.execute('quit');
  await new Promise((r) => (c.closed ? r(undefined) : c.once('close', r)));
  assert.equal(c.closed, true);
  await assert.rejects(c.execute('query-status'), /connection closed/);
  fake.server.close();
});

test('a socket that never greets (another client holds it) times out', async () => {
  const path = join(dir, 'b.sock');
  const fake = fakeQmp(path, { greet: false });
  await fake.listen();
  await assert.rejects(QmpClient.connect(path, { timeoutMs: 150 }), /no greeting in 150 ms/);
  for (const s of fake.sockets) s.destroy();
  fake.server.close();
});

test('a missing socket fails at once', async () => {
  await assert.rejects(QmpClient.connect(join(dir, 'none.sock')), /ENOENT/);
});
