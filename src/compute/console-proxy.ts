import { createConnection, type Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';

/**
 * How console bytes travel in WebSocket messages. noVNC and websockify clients ask for `binary` (one binary
 * frame per chunk) or, older ones, `base64` (text frames of base64); a client that asks for neither gets
 * binary frames and may type into a serial console with text frames.
 */
export type ConsoleFraming = 'binary' | 'base64';

/** The subprotocol to answer for what the client offered (ws's handleProtocols): binary first, as websockify. */
export function chooseConsoleSubprotocol(offered: Set<string>): string | false {
  if (offered.has('binary')) return 'binary';
  if (offered.has('base64')) return 'base64';
  return false;
}

/** WebSocket close codes the proxy uses (RFC 6455 §7.4.1). */
export const CLOSE = { normal: 1000, goingAway: 1001, unavailable: 1011 } as const;

// Backpressure: stop reading the console while this much is queued for the client, and the reverse.
const HIGH_WATER_BYTES = 1 << 20;

/**
 * Pipes a WebSocket to the Unix socket of an instance's console, both ways, until either side ends; the other
 * side is then closed too. Bytes the client sends before the socket is connected are queued (a VNC client
 * answers the server's greeting only, but a serial client may type at once).
 */
export function pipeConsole(
  ws: WebSocket,
  socketPath: string,
  o: { log: FastifyBaseLogger; instanceUuid: string },
): void {
  const framing: ConsoleFraming = ws.protocol === 'base64' ? 'base64' : 'binary';
  const sock: Socket = createConnection({ path: socketPath });
  let connected = false;
  let ended = false;
  const early: Buffer[] = [];

  const finish = (code: number, reason: string) => {
    if (ended) return;
    ended = true;
    sock.destroy();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = fromClient(data, isBinary, framing);
    if (!connected) early.push(bytes);
    else if (!sock.write(bytes)) ws.pause();
  });
  sock.on('drain', () => ws.resume());
  ws.on('close', () => finish(CLOSE.normal, ''));
  ws.on('error', () => finish(CLOSE.normal, ''));

  sock.on('connect', () => {
    connected = true;
    for (const b of early.splice(0)) sock.write(b);
  });
  sock.on('data', (chunk: Buffer) => {
    ws.send(framing === 'base64' ? chunk.toString('base64') : chunk, { binary: framing === 'binary' });
    if (ws.bufferedAmount > HIGH_WATER_BYTES) {
      sock.pause();
      waitForFlush(ws, () => sock.resume());
    }
  });
  sock.on('error', (err: NodeJS.ErrnoException) => {
    // A console socket that is gone (the instance stopped, the driver moved it) is the guest's state, not ours.
    o.log.info({ instance_uuid: o.instanceUuid, code: err.code }, 'console socket unavailable');
    finish(CLOSE.unavailable, 'The console is not available.');
  });
  sock.on('close', () => finish(CLOSE.normal, 'The console closed.'));
}

function fromClient(data: RawData, isBinary: boolean, framing: ConsoleFraming): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return framing === 'base64' && !isBinary ? Buffer.from(bytes.toString('latin1'), 'base64') : bytes;
}

/** Calls `then` once the client's send queue is below the high-water mark (ws has no 'drain' event). */
function waitForFlush(ws: WebSocket, then: () => void): void {
  const check = () => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount <= HIGH_WATER_BYTES / 2) then();
    else setTimeout(check, 10);
  };
  setTimeout(check, 10);
}
