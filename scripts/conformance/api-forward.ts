import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a cloud's API (127.0.0.1:<port> in the machine's namespace) answer on 127.0.0.1:<port> inside a client
 * namespace too, so the catalog's URLs work there unchanged. A Unix socket crosses namespaces (it is a file): this
 * process pipes the socket to the API, and a small node process inside the namespace pipes its loopback port to
 * the socket. What `strata net exec` does for its command; this one is for runs without it.
 */
export interface ApiForward {
  close(): Promise<void>;
}

/** The namespace side: listen on loopback, pipe each connection to the Unix socket. */
const INSIDE = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
net.createServer((c) => { const u = net.connect(sock); c.pipe(u).pipe(c); u.on('error', () => c.destroy()); c.on('error', () => u.destroy()); })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

export async function forwardApi(namespace: string, port: number): Promise<ApiForward> {
  const sock = join(tmpdir(), `strata-api-${randomBytes(4).toString('hex')}.sock`);
  const server: Server = createServer((c) => {
    const api = connect(port, '127.0.0.1');
    c.pipe(api).pipe(c);
    api.on('error', () => c.destroy());
    c.on('error', () => api.destroy());
  });
  await new Promise<void>((resolve, reject) => server.listen(sock, resolve).once('error', reject));
  const inside: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, '-e', INSIDE, sock, String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the API forwarder in the namespace did not start')), 10_000);
    inside.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    inside.once('exit', (code) => reject(new Error(`the API forwarder in ${namespace} exited with ${code}`)));
  });
  return {
    async close() {
      if (inside.exitCode === null) {
        inside.kill('SIGTERM');
        await new Promise((r) => inside.once('exit', r));
      }
      await new Promise((r) => server.close(r));
      await rm(sock, { force: true });
    },
  };
}
