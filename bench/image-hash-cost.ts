import { createHash, randomBytes } from 'node:crypto';

/**
 * What hashing alone allows. Glance's API requires md5 (`checksum`) and sha512 (`os_hash_value`) of every
 * upload, so no upload can beat the slower of the two on one core each, however fast loopback is.
 */
export interface HashCost {
  md5MBps: number;
  sha512MBps: number;
  /** Both on one thread, one after the other: the old event-loop meter's ceiling. */
  serialMBps: number;
  /** Each on its own core at once (Strata's hash workers): the slower of the two. */
  parallelMBps: number;
}

/** Times each hash over 256 MiB in 64 KiB updates (the size of a socket read), fastest of 3, in this process. */
export function measureHashes(): HashCost {
  const chunk = randomBytes(64 * 1024);
  const bytes = 256 * 2 ** 20;
  const rate = (algo: string) => {
    let best = 0;
    for (let run = 0; run < 3; run++) {
      const h = createHash(algo);
      const t0 = performance.now();
      for (let done = 0; done < bytes; done += chunk.length) h.update(chunk);
      h.digest();
      best = Math.max(best, bytes / 1e6 / ((performance.now() - t0) / 1000));
    }
    return best;
  };
  const md5MBps = rate('md5');
  const sha512MBps = rate('sha512');
  return {
    md5MBps,
    sha512MBps,
    serialMBps: 1 / (1 / md5MBps + 1 / sha512MBps),
    parallelMBps: Math.min(md5MBps, sha512MBps),
  };
}
