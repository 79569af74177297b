import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { parseArgs } from 'node:util';

/**
 * A tiny proxy meant to run inside a network namespace (`ip netns exec <ns> node ns-proxy.ts ...`) and reach a
 * server in another namespace through a Unix socket (a path in the filesystem, which namespaces share).
 *
 *   http --listen 169.254.169.254:80 --socket <path> --network-id <id>
 *     the metadata proxy: HTTP requests are forwarded with `X-Forwarded-For: <client address>` and
 *     `X-Strata-Network-Id: <id>` set by us, whatever the client sent, since those two headers are what
 *     tells the metadata server which instance asks;
 *   tcp --listen 127.0.0.1:8080 --socket <path>
 *     a plain byte forward (how `strata net exec` gives a client namespace the cloud's API).
 *
 * `--pid-file` is written once listening; SIGTERM closes the listener and exits.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    listen: { type: 'string' },
    socket: { type: 'string' },
    'network-id': { type: 'string' },
    'pid-file': { type: 'string' },
    /** Not used: the caller's record of where the proxy runs. */
    netns: { type: 'string' },
  },
});
const mode = positionals[0];
const [host, port] = splitHostPort(values.listen ?? '');
const socketPath = values.socket ?? '';
if ((mode !== 'http' && mode !== 'tcp') || !socketPath || !port) {
  process.stderr.write('usage: ns-proxy.ts http|tcp --listen <address:port> --socket <path> [--network-id <id>]\n');
  process.exit(2);
}

const server = mode === 'http' ? httpProxy(values['network-id'] ?? '') : tcpForward();
server.listen(port, host, () => {
  if (values['pid-file']) writeFileSync(values['pid-file'], `${process.pid}\n`);
  process.stdout.write(`ns-proxy ${mode} listening on ${host}:${port} -> ${socketPath}\n`);
});
server.on('error', (err) => {
  process.stderr.write(`ns-proxy: ${err.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

function httpProxy(networkId: string) {
  return createHttpServer((req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      if (lower === 'x-forwarded-for' || lower === 'x-strata-network-id' || lower === 'connection') continue;
      headers[name] = value;
    }
    headers['X-Forwarded-For'] = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    headers['X-Strata-Network-Id'] = networkId;
    const upstream = request({ socketPath, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('metadata service unavailable\n');
    });
    req.pipe(upstream);
  });
}

function tcpForward() {
  return createTcpServer((client) => {
    const upstream = connect(socketPath);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
}

function splitHostPort(text: string): [string, number] {
  const i = text.lastIndexOf(':');
  return [text.slice(0, i).replace(/^\[|\]$/g, ''), Number(text.slice(i + 1))];
}
