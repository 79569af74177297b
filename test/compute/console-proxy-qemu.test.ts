import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { chooseConsoleSubprotocol, pipeConsole } from '../../src/compute/console-proxy.ts';
import { commandExists } from '../../src/core/host/run.ts';

const QEMU = 'qemu-system-x86_64';

/**
 * The proxy in front of a real QEMU VNC server on a Unix socket (the qemu driver's `-vnc unix:<path>`), spoken to
 * as Tempest's test_novnc does: binary subprotocol, the RFB version, security None, ServerInit with its name.
 * QEMU runs without disk or network (no NIC at all), under TCG; it is killed by its pid.
 */
test('noVNC handshake through the proxy to a real QEMU VNC socket', async (t) => {
  if (!(await commandExists(QEMU))) return t.skip(`${QEMU} is not installed`);
  const dir = await mkdtemp(join(tmpdir(), 'strata-console-qemu-'));
  const vnc = join(dir, 'vnc.sock');
  const qemu = spawn(
    QEMU,
    [
      ...['-machine', 'pc', '-accel', 'tcg', '-m', '64', '-display', 'none', '-vnc', `unix:${vnc}`],
      ...['-nic', 'none', '-monitor', 'none', '-serial', 'none', '-parallel', 'none'],
    ],
    { stdio: 'ignore' },
  );
  t.after(async () => {
    if (qemu.exitCode === null) qemu.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  await waitForFile(vnc, 15000);

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => chooseConsoleSubprotocol(offered),
  });
  const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
  wss.on('connection', (ws) => pipeConsole(ws, vnc, { log, instanceUuid: 'qemu-test' }));
  await new Promise<void>((r) => wss.once('listening', () => r()));
  t.after(() => new Promise<void>((r) => wss.close(() => r())));
  const { port } = wss.address() as { port: number };

  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['binary']);
  ws.binaryType = 'arraybuffer';
  const rx = byteReader(ws);
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  assert.equal(ws.protocol, 'binary');

  const version = (await rx.read(12)).toString('latin1');
  assert.match(version, /^RFB 003\.00[38]\n$/);
  ws.send(Buffer.from('RFB 003.008\n'));
  const count = (await rx.read(1))[0];
  const types = [...(await rx.read(count))];
  assert.ok(types.includes(1), `security None offered: ${types}`);
  ws.send(Buffer.from([1]));
  assert.deepEqual([...(await rx.read(4))], [0, 0, 0, 0], 'security handshake succeeded');
  ws.send(Buffer.from([1])); // ClientInit: shared
  const init = await rx.read(24);
  const width = init.readUInt16BE(0);
  const nameLength = init.readUInt32BE(20);
  const name = (await rx.read(nameLength)).toString('utf8');
  assert.ok(width > 0, `framebuffer width ${width}`);
  assert.equal(name, 'QEMU');
  ws.close();
});

async function waitForFile(path: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await access(path);
      return;
    } catch {
      if (Date.now() > end) throw new Error(`${path} did not appear`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Reads exact byte counts from a WebSocket's binary messages, whatever the framing. */
function byteReader(ws: WebSocket) {
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  ws.addEventListener('message', (e) => {
    buf = Buffer.concat([buf, Buffer.from(e.data as ArrayBuffer)]);
    wake?.();
  });
  return {
    async read(n: number, ms = 10000): Promise<Buffer> {
      const end = Date.now() + ms;
      while (buf.length < n) {
        if (Date.now() > end) throw new Error(`wanted ${n} bytes, have ${buf.length}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    },
  };
}
