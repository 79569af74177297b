import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FlavorSpec, InstanceSpec, VolumeSpec } from '../hypervisor.ts';

/** What the fake hypervisor keeps per instance; the whole map is the host's JSON state file. */
export interface FakeInstance {
  uuid: string;
  power_state: number;
  spec: InstanceSpec;
  flavor: FlavorSpec;
  volumes: VolumeSpec[];
  rescued: boolean;
  /** Epoch ms of the last boot (uptime in diagnostics). */
  booted_at: number;
  /** Set on the source of a resize until confirmed or reverted: the flavor a revert goes back to. */
  migration?: { old_flavor: FlavorSpec; source: boolean; dest: boolean };
  /** Monotonic counters (diagnostics and stats grow with every operation). */
  ops: number;
}

interface StateFile {
  version: 1;
  instances: FakeInstance[];
}

/**
 * The fake driver's persistence: `<dataDir>/compute/<host>/instances.json`, rewritten whole after every change
 * (temp file + rename, so a crash never leaves half a file) and read back by the next driver on that host.
 * Writes are chained: operations on different instances run in parallel but the file sees one writer.
 */
export function createFakeStore(path: string): {
  load(): Promise<Map<string, FakeInstance>>;
  save(instances: Map<string, FakeInstance>): Promise<void>;
} {
  let chain: Promise<void> = Promise.resolve();
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
        throw err;
      }
      const state = JSON.parse(text) as StateFile;
      return new Map(state.instances.map((i) => [i.uuid, i]));
    },
    save(instances) {
      const body = JSON.stringify({ version: 1, instances: [...instances.values()] } satisfies StateFile);
      const write = async () => {
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(tmp, body);
        await rename(tmp, path);
      };
      const next = chain.then(write);
      chain = next.catch(() => {});
      return next;
    },
  };
}
