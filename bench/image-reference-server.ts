/**
 * The image bench's reference: the plainest node:http server on loopback, run as its own process like Strata.
 * `PUT /sink` reads the body and drops it (loopback alone), `PUT /disk` writes it to a file (loopback plus a
 * disk write), `GET /file` serves the bench's file from disk. Usage: node image-reference-server.ts <file> <dir>
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const [file, dir] = process.argv.slice(2);
/** Node's 64 KiB file reads and 16 KiB write buffer are what slows a plain server; the reference reads big. */
const IO_CHUNK = 1024 * 1024;
const size = statSync(file).size;

const server = createServer(async (req, res) => {
  try {
    if (req.method === 'PUT' && req.url === '/sink') {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(bytes));
    } else if (req.method === 'PUT' && req.url === '/disk') {
      const out = createWriteStream(join(dir, 'reference-upload.bin'), { highWaterMark: IO_CHUNK });
      await pipeline(req, out);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(out.bytesWritten));
    } else if (req.method === 'GET' && req.url === '/file') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      await pipeline(createReadStream(file, { highWaterMark: IO_CHUNK }), res);
    } else res.writeHead(404).end();
  } catch (err) {
    if (!res.headersSent) res.writeHead(500).end(String(err));
    else res.destroy();
  }
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
process.on('SIGTERM', () => process.exit(0));
