/**
 * What the dataplane's metadata proxy does, for one connection, as a QEMU user-network `guestfwd` command: reads
 * the guest's HTTP request on stdin, replaces any X-Forwarded-For / X-Strata-Network-Id it sent with the given
 * address and network, and relays it to the metadata socket; the answer goes back on stdout.
 * Usage: node metadata-guest-relay.ts <socket> <guest ip> <network id>
 */
import { connect } from 'node:net';

const [socketPath, ip, networkId] = process.argv.slice(2);
if (!socketPath || !ip || !networkId) process.exit(2);

const PROXY_HEADERS = /^(x-forwarded-for|x-strata-network-id):/i;
let head = Buffer.alloc(0);
const upstream = connect(socketPath);
upstream.on('error', () => process.exit(1));
upstream.pipe(process.stdout);
upstream.on('end', () => process.exit(0));

const onData = (chunk: Buffer) => {
  head = Buffer.concat([head, chunk]);
  const end = head.indexOf('\r\n\r\n');
  if (end === -1) return;
  process.stdin.off('data', onData);
  const [requestLine, ...headers] = head.subarray(0, end).toString('latin1').split('\r\n');
  const kept = headers.filter((h) => !PROXY_HEADERS.test(h));
  const rewritten = [requestLine, ...kept, `X-Forwarded-For: ${ip}`, `X-Strata-Network-Id: ${networkId}`].join('\r\n');
  upstream.write(Buffer.concat([Buffer.from(`${rewritten}\r\n\r\n`, 'latin1'), head.subarray(end + 4)]));
  process.stdin.pipe(upstream);
};
process.stdin.on('data', onData);
