import { Worker } from 'node:worker_threads';

/**
 * md5 and sha512 of image data, each on its own worker thread. Together they cost about 2.5 s of CPU per
 * GB (OpenSSL, no SHA-512 instructions on common x86), so on the event loop they capped uploads near 200 MB/s
 * and stalled every other request meanwhile; in two workers the two hashes run side by side, beside the
 * socket reads and disk writes. Data reaches the workers through a few shared slots: one copy, no message
 * per socket chunk.
 */
const SLOT_BYTES = 1024 * 1024;
/** Slots per upload: how far hashing may lag behind the data (4 MiB); a full set holds the stream back. */
const SLOTS = 4;

type HashRequest =
  | { op: 'update'; job: number; algo: string; slot: number; buf: SharedArrayBuffer; length: number }
  | { op: 'digest'; job: number; algo: string }
  | { op: 'drop'; job: number };

type HashReply = { op: 'ack'; job: number; slot: number } | { op: 'digest'; job: number; hex: string };

/**
 * The worker: one incremental hash per job, fed the slots it is sent in order, each acknowledged so the main
 * thread can refill it. Plain JavaScript evaluated in the worker, because a `.ts` worker file loads Node's
 * type stripper into each thread: 25 MiB of RSS per worker instead of 8.
 */
const WORKER_SOURCE = `
const { createHash } = require('node:crypto');
const { parentPort } = require('node:worker_threads');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'drop') return void jobs.delete(m.job);
  let hash = jobs.get(m.job);
  if (!hash) jobs.set(m.job, (hash = createHash(m.algo)));
  if (m.op === 'update') {
    hash.update(new Uint8Array(m.buf, 0, m.length));
    parentPort.postMessage({ op: 'ack', job: m.job, slot: m.slot });
  } else {
    jobs.delete(m.job);
    parentPort.postMessage({ op: 'digest', job: m.job, hex: hash.digest('hex') });
  }
});
`;

interface JobHandlers {
  ack(slot: number): void;
  digest(worker: number, hex: string): void;
  fail(err: Error): void;
}

/** The workers, started on first use, one per algorithm. */
let workers: Worker[] | undefined;
const jobs = new Map<number, JobHandlers>();
let nextJob = 1;

/** Idle workers must not keep the process alive, but a job waiting on a reply must: ref only while jobs run. */
function track(job: number, handlers?: JobHandlers): void {
  if (handlers) jobs.set(job, handlers);
  else jobs.delete(job);
  for (const w of workers ?? []) jobs.size ? w.ref() : w.unref();
}

function pool(count: number): Worker[] {
  if (workers) return workers;
  const started = Array.from({ length: count }, (_, i) => {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: HashReply) => {
      const job = jobs.get(m.job);
      if (m.op === 'ack') job?.ack(m.slot);
      else job?.digest(i, m.hex);
    });
    // A dead worker loses every hash it held: fail those uploads, and start afresh on the next one.
    const lost = (err: Error) => {
      if (workers === started) workers = undefined;
      for (const [id, job] of [...jobs]) {
        track(id);
        job.fail(err);
      }
      void w.terminate();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`image hash worker exited (${code})`)));
    return w;
  });
  workers = started;
  return started;
}

export interface ParallelHash {
  /** Queues the bytes for hashing; returns a promise when the caller must wait for a free slot first. */
  update(chunk: Uint8Array): Promise<void> | undefined;
  /** Hex digests in the order of the algorithms given; after this the hash is spent. */
  digest(): Promise<string[]>;
  /** Forgets the job (the stream failed); safe to call at any time, more than once. */
  drop(): void;
}

export function parallelHash(algos: readonly string[]): ParallelHash {
  const ws = pool(algos.length);
  const job = nextJob++;
  const slots = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES));
  const pending = new Array<number>(SLOTS).fill(0);
  const free: number[] = [...slots.keys()];
  let current = free.shift() as number | undefined;
  let filled = 0;
  let failed: Error | undefined;
  let waiter: { resolve(): void; reject(err: Error): void } | undefined;
  let digests: { hex: string[]; left: number; resolve(h: string[]): void; reject(err: Error): void } | undefined;

  const post = (i: number, m: HashRequest) => ws[i].postMessage(m);
  const send = () => {
    if (current === undefined || filled === 0) return;
    pending[current] = ws.length;
    for (let i = 0; i < ws.length; i++)
      post(i, { op: 'update', job, algo: algos[i], slot: current, buf: slots[current], length: filled });
    current = free.shift();
    filled = 0;
  };
  track(job, {
    ack(slot) {
      if (--pending[slot] > 0) return;
      if (current === undefined) current = slot;
      else free.push(slot);
      const w = waiter;
      waiter = undefined;
      w?.resolve();
    },
    digest(i, hex) {
      if (!digests) return;
      digests.hex[i] = hex;
      if (--digests.left === 0) {
        track(job);
        digests.resolve(digests.hex);
      }
    },
    fail(err) {
      failed = err;
      waiter?.reject(err);
      digests?.reject(err);
    },
  });

  // Copies as much of `chunk` as the slots take; the rest waits for an acknowledgement.
  const fill = async (chunk: Uint8Array): Promise<void> => {
    let at = 0;
    while (at < chunk.length) {
      if (failed) throw failed;
      if (current === undefined) {
        await new Promise<void>((resolve, reject) => {
          waiter = { resolve, reject };
        });
        continue;
      }
      const n = Math.min(chunk.length - at, SLOT_BYTES - filled);
      new Uint8Array(slots[current], filled, n).set(chunk.subarray(at, at + n));
      filled += n;
      at += n;
      if (filled === SLOT_BYTES) send();
    }
  };

  return {
    update(chunk) {
      if (failed) return Promise.reject(failed);
      // The common case (a slot with room for the whole chunk) stays synchronous.
      if (current !== undefined && filled + chunk.length < SLOT_BYTES) {
        new Uint8Array(slots[current], filled, chunk.length).set(chunk);
        filled += chunk.length;
        return undefined;
      }
      return fill(chunk);
    },
    digest() {
      if (failed) return Promise.reject(failed);
      send();
      return new Promise((resolve, reject) => {
        digests = { hex: [], left: ws.length, resolve, reject };
        for (let i = 0; i < ws.length; i++) post(i, { op: 'digest', job, algo: algos[i] });
      });
    },
    drop() {
      if (!jobs.has(job)) return;
      track(job);
      for (let i = 0; i < ws.length; i++) post(i, { op: 'drop', job });
    },
  };
}
