import { Agent, request } from 'node:http';

/** One timed answer: ms is request sent to last byte read, as a client sees it. */
export interface Timed {
  status: number;
  ms: number;
  bytes: number;
  body: any;
}

export interface NeutronClient {
  call(method: string, path: string, body?: unknown): Promise<Timed>;
  /** Like call, but throws unless the answer is `expect`: for steps every later one depends on. */
  must(method: string, path: string, expect: number, body?: unknown): Promise<any>;
  close(): void;
}

/**
 * A Networking client on keep-alive node:http sockets (one per request in flight), so the latency measured
 * is the server's and the loopback's, not connection set-up or fetch's own overhead. Paths are under /networking.
 */
export function neutronClient(base: string, token: string, sockets: number, signal: AbortSignal): NeutronClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const root = new URL('/networking', base);
  const call = (method: string, path: string, payload?: unknown): Promise<Timed> => {
    const data = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string | number> = { 'x-auth-token': token, accept: 'application/json' };
    if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
    return new Promise((resolve, reject) => {
      const began = performance.now();
      const req = request(
        new URL(`${root.pathname}${path}`, root),
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
