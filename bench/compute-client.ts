import { Agent, request } from 'node:http';
import type { NeutronClient, Timed } from './network-client.ts';

/** The same shape as the Networking bench client (so its list timer serves both), rooted anywhere. */
export type ApiClient = NeutronClient;

/**
 * A client on keep-alive node:http sockets rooted at `root` (e.g. `/compute/v2.1`): latencies measured are the
 * server's and the loopback's, not connection set-up. `body` may be raw bytes (sent as octet-stream).
 */
export function apiClient(base: string, root: string, token: string, sockets: number, signal: AbortSignal): ApiClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const call = (method: string, path: string, payload?: unknown): Promise<Timed> => {
    const raw = payload instanceof Uint8Array;
    const data = payload === undefined ? undefined : raw ? payload : Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string | number> = { 'x-auth-token': token, accept: 'application/json' };
    if (data)
      Object.assign(headers, {
        'content-type': raw ? 'application/octet-stream' : 'application/json',
        'content-length': data.length,
      });
    return new Promise((resolve, reject) => {
      const began = performance.now();
      const req = request(
        new URL(`${root}${path}`, base),
        { method, headers, agent, signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - began;
            const text = Buffer.concat(chunks).toString();
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {}
            resolve({ status: res.statusCode ?? 0, ms, bytes: Buffer.byteLength(text), body });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  };
  return {
    call,
    async must(method, path, expect, payload) {
      const res = await call(method, path, payload);
      if (res.status !== expect)
        throw new Error(`${method} ${path} answered ${res.status}, not ${expect}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    close: () => agent.destroy(),
  };
}
