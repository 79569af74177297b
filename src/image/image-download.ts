import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OpenedData } from './store-driver.ts';

/**
 * Sends a download whose status and headers are already set on `reply` by writing the response ourselves, so
 * that the store can reuse its buffers (see `OpenedData`). Once the headers are out, a failure can no longer
 * become an error answer: the socket is destroyed, and the client sees a body shorter than Content-Length.
 */
export async function sendOpenedData(req: FastifyRequest, reply: FastifyReply, data: OpenedData): Promise<void> {
  const res = reply.raw;
  reply.hijack();
  // onSend hooks do not run for a hijacked reply: this is the one the image-data routes have (raw-data.ts),
  // for a request whose body was not read. A GET's is read once the request is complete.
  if (!req.raw.complete) reply.header('connection', 'close');
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
  res.writeHead(reply.statusCode);
  // Node then refuses to end the response short of (or write past) Content-Length, whatever the store does.
  res.strictContentLength = true;
  try {
    await data.writeTo(res);
  } catch (err) {
    if (res.writableFinished) return;
    // A client going away mid-download is its own business; anything else is a fault of ours or the disk's.
    if (res.destroyed || req.raw.socket?.destroyed) req.log.info({ err }, 'image download ended early');
    else req.log.error({ err }, 'image download failed after the headers were sent');
    res.destroy();
  }
}
