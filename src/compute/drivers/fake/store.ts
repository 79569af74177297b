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
 * The fake driver's persistence: `<dataDir>/compute/<host>/instances.json`, rewritten whole after changes
 * (temp file + rename, so a crash never leaves half a file) and read back by the next driver on that host.
 * Writes are coalesced: while one is under way, every change made meanwhile waits for the single next write,
 * which serialises the map when it starts, so a host with thousands of instances does not rewrite its file
 * once per operation.
 */
export function createFakeStore(path: string): {
  load(): Promise<Map<string, FakeInstance>>;
  save(instances: Map<string, FakeInstance>): Promise<void>;
} {
  let writing: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  async function write(instances: Map<string, FakeInstance>): Promise<void> {
    const body = JSON.stringify({ version: 1, instances: [...instances.values()] } satisfies StateFile);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  function begin(instances: Map<string, FakeInstance>): Promise<void> {
    const w = write(instances).finally(() => {
      if (writing === w) writing = undefined;
    });
    writing = w;
    return w;
  }

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
        throw err;
      }
      let state: StateFile;
      try {
        state = JSON.parse(text) as StateFile;
      } catch {
        // Unreadable (hand-edited, disk full): kept aside, and the host starts empty; reconcile reports the rest.
        await rename(path, `${path}.corrupt-${Date.now()}`);
        return new Map();
      }
      return new Map((state.instances ?? []).map((i) => [i.uuid, i]));
    },
    save(instances) {
      if (queued) return queued;
      if (!writing) return begin(instances);
      const next = writing
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return begin(instances);
        });
      queued = next;
      return next;
    },
  };
}
