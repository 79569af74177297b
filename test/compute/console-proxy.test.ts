import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { serverFixture } from './servers-fixture.ts';

const GREETING = 'RFB 003.008\n';

/** A Unix socket in the cloud's data directory standing in for a console: greets like a VNC server, then echoes. */
async function echoConsole(t: TestContext, path: string) {
  const peers = new Set<Socket>();
  const ended: string[] = [];
  const server = createServer((sock) => {
    peers.add(sock);
    sock.write(GREETING);
    sock.on('data', (d) => sock.write(d));
    sock.on('end', () => ended.push('client-end'));
    sock.on('close', () => peers.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(async () => {
    for (const p of peers) p.destroy();
    await new Promise((r) => server.close(r));
  });
  return { peers, ended };
}

/** A WebSocket client whose messages are read in order. */
async function connect(url: string, protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  const queue: (string | Buffer)[] = [];
  const waiters: ((m: string | Buffer) => void)[] = [];
  ws.addEventListener('message', (e) => {
    const m = typeof e.data === 'string' ? e.data : Buffer.from(e.data as ArrayBuffer);
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason })),
  );
  const opened = await new Promise<boolean>((resolve) => {
    ws.addEventListener('open', () => resolve(true));
    ws.addEventListener('error', () => resolve(false));
  });
  const next = (ms = 5000) =>
    new Promise<string | Buffer>((resolve, reject) => {
      const m = queue.shift();
      if (m !== undefined) return resolve(m);
      const timer = setTimeout(() => reject(new Error('no message')), ms);
      waiters.push((v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  return { ws, opened, next, closed };
}

/** The WebSocket URL noVNC would open for the page URL Nova-style consoles answer. */
function novncSocketUrl(pageUrl: string): string {
  const u = new URL(pageUrl);
  return `ws://${u.host}/${u.searchParams.get('path')}`;
}

/** A raw upgrade request: what a websockify client sees when the proxy refuses. */
function rawUpgrade(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': 'x3JJHMbDL1EzLkh9GBhXDw==',
        'sec-websocket-version': '13',
        'sec-websocket-protocol': 'binary',
        ...headers,
      },
    });
    req.on('upgrade', (res, sock) => {
      sock.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Tempest's raw websockify request; resolves to every byte received until the server ends or 1 s of quiet. */
function rawTcp(host: string, path: string, cookie: string): Promise<Buffer> {
  const [hostname, port] = [host.replace(/:\d+$/, ''), Number(host.split(':').pop())];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connectTcp({ host: hostname, port }, () => {
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Cookie: ${cookie}\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 13\r\n` +
          'Sec-WebSocket-Protocol: binary\r\n\r\n',
      );
    });
    let quiet = setTimeout(() => sock.destroy(), 1000);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(quiet);
      quiet = setTimeout(() => sock.destroy(), 300);
    });
    sock.on('close', () => {
      clearTimeout(quiet);
      resolve(Buffer.concat(chunks));
    });
    sock.on('error', reject);
  });
}

test('remote consoles through the WebSocket proxy (fake driver, a Unix socket for a console)', async (t) => {
  const f = await serverFixture(t);
  const con = await echoConsole(t, join(f.cloud.dataDir, 'console-echo.sock'));
  const uuid = await f.boot({ metadata: { fake_console_socket: 'console-echo.sock' } });
  await f.waitFor(uuid, 'ACTIVE');
  const open = async (protocol: string, type: string, mv = '2.6') => {
    const res = await f.compute('POST', `/servers/${uuid}/remote-consoles`, {
      mv,
      body: { remote_console: { protocol, type } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.remote_console.url as string;
  };

  await t.test('novnc: the page answers 200, the websocket greets with RFB and bytes round-trip', async () => {
    const url = await open('vnc', 'novnc');
    assert.match(url, /\/compute\/console\/vnc_lite\.html\?path=%3Ftoken%3D[\w-]+$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.ok(html.includes('<html') && html.includes('</html>') && html.includes('noVNC') && html.includes('<script'));
    const c = await connect(novncSocketUrl(url), ['binary']);
    assert.ok(c.opened, 'the upgrade was accepted');
    assert.equal(c.ws.protocol, 'binary');
    assert.equal(String(await c.next()), GREETING);
    c.ws.send(new Uint8Array([0, 1, 2, 250, 255]));
    assert.deepEqual([...((await c.next()) as Buffer)], [0, 1, 2, 250, 255]);
    c.ws.close();
    await c.closed;
    // The proxy closes its side of the console socket when the client goes.
    const end = Date.now() + 3000;
    while (con.ended.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(con.ended.length > 0, 'the console socket was closed after the client left');

    // Nova does not use tokens up: noVNC reconnects with the same URL.
    const again = await connect(novncSocketUrl(url), ['binary']);
    assert.equal(String(await again.next()), GREETING);
    again.ws.close();
    await again.closed;
  });

  await t.test('the base64 subprotocol carries the same bytes as base64 text', async () => {
    const url = await open('vnc', 'novnc');
    const c = await connect(novncSocketUrl(url), ['base64']);
    assert.equal(c.ws.protocol, 'base64');
    assert.equal(Buffer.from(String(await c.next()), 'base64').toString(), GREETING);
    c.ws.send(Buffer.from('hello').toString('base64'));
    assert.equal(Buffer.from(String(await c.next()), 'base64').toString(), 'hello');
    c.ws.close();
    await c.closed;
  });

  await t.test('serial: a ws:// URL with the token; typed text reaches the console', async () => {
    const url = await open('serial', 'serial');
    assert.match(url, /^ws:\/\/.+\/compute\/console\/serial\?token=/);
    const c = await connect(url);
    assert.ok(c.opened);
    assert.equal(String(await c.next()), GREETING);
    c.ws.send('uname -a\n');
    assert.equal(String(await c.next()), 'uname -a\n');
    // The console ending closes the WebSocket.
    for (const p of con.peers) p.end();
    const closed = await c.closed;
    assert.equal(closed.code, 1000);
  });

  await t.test('a websockify client sending the page query as its Cookie (as Tempest does)', async () => {
    const page = new URL(await open('vnc', 'novnc'));
    // Tempest always upgrades at the root, /websockify, as websockify serves it.
    const head = (cookie: string, path = '/websockify') =>
      rawTcp(page.host, path, cookie).then((b) => b.toString('latin1'));
    assert.match(await head(page.search.slice(1), '/compute/console/websockify'), /^HTTP\/1\.1 101 /);
    const ok = await head(page.search.slice(1));
    assert.match(ok, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(ok.toLowerCase().includes('upgrade: websocket'));
    assert.ok(ok.toLowerCase().includes('sec-websocket-protocol: binary'));
    // The first frame after the head: FIN + binary opcode, unmasked, the greeting.
    const frame = Buffer.from(ok.slice(ok.indexOf('\r\n\r\n') + 4), 'latin1');
    assert.deepEqual([frame[0], frame[1]], [0x82, GREETING.length]);
    assert.equal(frame.subarray(2, 2 + GREETING.length).toString(), GREETING);
    // A bad token: a head with no body, then the connection ends (Tempest reads no frame).
    const bad = await head(page.search.slice(1).replace('token%3D', 'token%3Dbad'));
    assert.match(bad, /^HTTP\/1\.1 404 /);
    assert.ok(bad.endsWith('\r\n\r\n'), JSON.stringify(bad));
  });

  await t.test('the legacy action (≤ 2.5) gives the same working console', async () => {
    const res = await f.compute('POST', `/servers/${uuid}/action`, { body: { 'os-getVNCConsole': { type: 'novnc' } } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const c = await connect(novncSocketUrl(res.body.console.url), ['binary']);
    assert.equal(String(await c.next()), GREETING);
    c.ws.close();
    await c.closed;
  });

  await t.test('bad, mistyped and foreign-origin requests are refused before the upgrade, silently', async () => {
    const vnc = novncSocketUrl(await open('vnc', 'novnc'));
    const serial = await open('serial', 'serial');
    const bad = vnc.replace('token=', 'token=bad');
    const refused = await connect(bad, ['binary']);
    assert.equal(refused.opened, false);
    assert.deepEqual(await rawUpgrade(bad), { status: 404, body: '' });
    // A serial token does not open the VNC endpoint, nor the reverse (as Nova checks the console type).
    const serialToken = new URL(serial).searchParams.get('token');
    assert.equal((await rawUpgrade(vnc.replace(/token=.*/, `token=${serialToken}`))).status, 404);
    assert.equal(
      (await rawUpgrade(serial.replace(/token=.*/, `token=${new URL(vnc).searchParams.get('token')}`))).status,
      404,
    );
    assert.equal((await rawUpgrade(vnc, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await rawUpgrade(vnc, { origin: `http://${new URL(vnc).host}` })).status, 101);
    // A plain GET gets Nova's error body.
    const plain = await fetch(`${f.cloud.base}/compute/console/websockify${new URL(bad).search}`);
    assert.equal(plain.status, 404);
    assert.match(JSON.stringify(await plain.json()), /invalid or has expired/);
    assert.equal((await fetch(`${f.cloud.base}/compute/console/not-a-token`)).status, 404);
    // An Upgrade request elsewhere is an ordinary request (not a socket left open that would hold the close).
    const elsewhere = await rawTcp(new URL(vnc).host, '/compute/v2.1/servers', '');
    assert.match(elsewhere.toString('latin1'), /^HTTP\/1\.1 401 .*\r\nconnection: keep-alive\r\n/is);
  });

  await t.test('the fake driver without a socket: the upgrade succeeds and closes with the reason', async () => {
    const plain = await f.boot({ name: 'no-console' });
    await f.waitFor(plain, 'ACTIVE');
    const res = await f.compute('POST', `/servers/${plain}/remote-consoles`, {
      mv: '2.6',
      body: { remote_console: { protocol: 'vnc', type: 'novnc' } },
    });
    const c = await connect(novncSocketUrl(res.body.remote_console.url), ['binary']);
    assert.ok(c.opened);
    assert.deepEqual(await c.closed, { code: 1011, reason: 'the fake driver has no console' });
  });

  await t.test('a deleted server’s tokens are refused', async () => {
    const vnc = novncSocketUrl(await open('vnc', 'novnc'));
    assert.equal((await f.compute('DELETE', `/servers/${uuid}`)).status, 204);
    await f.waitFor(uuid, 'DELETED');
    assert.equal((await rawUpgrade(vnc)).status, 404);
  });
});
