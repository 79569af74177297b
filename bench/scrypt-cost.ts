import { availableParallelism } from 'node:os';
import { hashPassword, type ScryptParams } from '../src/identity/passwords.ts';

export interface ScryptCost {
  params: ScryptParams;
  /**
   * Wall time of one hash, in ms: the fastest of several, because other work on a shared machine only ever
   * adds time, and the limit this sets should be what the cores allow, not what a busy moment allowed.
   */
  singleMs: number;
  cores: number;
  /** cores / single-hash time: what password authentication can never beat on this machine. */
  theoreticalPerS: number;
  /** Hashes per second with `cores * 2` in flight at once (libuv's pool runs them in parallel). */
  measuredParallelPerS: number;
}

/** Times the password hash the server is configured with, in this process, before any server load starts. */
export async function measureScrypt(params: ScryptParams, samples = 5): Promise<ScryptCost> {
  await hashPassword('warm-up', params);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await hashPassword(`sample-${i}`, params);
    times.push(performance.now() - t0);
  }
  const singleMs = Math.min(...times);
  const cores = availableParallelism();
  const batch = cores * 2;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: batch }, (_, i) => hashPassword(`parallel-${i}`, params)));
  const measuredParallelPerS = batch / ((performance.now() - t0) / 1000);
  return { params, singleMs, cores, theoreticalPerS: (cores * 1000) / singleMs, measuredParallelPerS };
}
