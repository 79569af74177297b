import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './run-tool.ts';

/** Debian's smallest kernel flavour: built for VMs, it has virtio and little else (most of it as modules). */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';

export interface GuestKernel {
  version: string;
  vmlinuz: string;
  /** Module name (with `_`, as the kernel spells it) → path of its `.ko`. */
  modules: ReadonlyMap<string, string>;
}

/**
 * The cloud kernel, unpacked under `cacheDir` from the package apt resolves the metapackage to. Only apt is
 * used: no other download. An already unpacked package of the same name is reused.
 */
export async function fetchKernel(cacheDir: string, signal: AbortSignal): Promise<GuestKernel> {
  const depends = await runTool('apt-cache', ['depends', KERNEL_METAPACKAGE], { signal });
  const pkg = /Depends: (linux-image-\d\S*)/.exec(depends)?.[1];
  if (!pkg) throw new Error(`apt cannot resolve ${KERNEL_METAPACKAGE}: run apt-get update`);
  const root = join(cacheDir, pkg);
  if (!existsSync(join(root, '.unpacked'))) {
    const debDir = join(cacheDir, 'deb');
    await rm(root, { recursive: true, force: true });
    await mkdir(debDir, { recursive: true });
    await runTool('apt-get', ['download', pkg], { signal, cwd: debDir });
    const deb = (await readdir(debDir)).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${debDir}`);
    await runTool('dpkg-deb', ['-x', join(debDir, deb), root], { signal });
    await runTool('touch', [join(root, '.unpacked')], { signal });
  }
  const vmlinuz = (await readdir(join(root, 'boot'))).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new Error(`${pkg} has no /boot/vmlinuz-*`);
  const version = vmlinuz.slice('vmlinuz-'.length);
  const modules = new Map<string, string>();
  for (const dir of ['lib', 'usr/lib']) {
    const base = join(root, dir, 'modules', version, 'kernel');
    if (!existsSync(base)) continue;
    for (const f of await readdir(base, { recursive: true })) {
      if (f.endsWith('.ko')) modules.set(moduleName(f), join(base, f));
    }
  }
  if (modules.size === 0) throw new Error(`${pkg} has no uncompressed kernel modules for ${version}`);
  return { version, vmlinuz: join(root, 'boot', vmlinuz), modules };
}

const moduleName = (path: string) => path.slice(path.lastIndexOf('/') + 1, -'.ko'.length).replaceAll('-', '_');

/**
 * `wanted` and everything they depend on, dependencies first: the order `insmod` must load them in. The
 * dependencies are read from each module's own `.modinfo` section, so neither depmod nor modprobe is needed
 * in the guest or on the host.
 */
export async function modulesInLoadOrder(kernel: GuestKernel, wanted: readonly string[]): Promise<string[]> {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    const key = name.replaceAll('-', '_');
    if (seen.has(key)) return;
    seen.add(key);
    const path = kernel.modules.get(key);
    if (!path) throw new Error(`kernel ${kernel.version} has no module ${key} (built in, or not built?)`);
    for (const dep of modinfoDepends(await readFile(path))) await visit(dep);
    order.push(key);
  };
  for (const name of wanted) await visit(name);
  return order;
}

function modinfoDepends(ko: Buffer): string[] {
  const at = ko.indexOf('\0depends=');
  if (at < 0) return [];
  const start = at + '\0depends='.length;
  const value = ko.toString('latin1', start, ko.indexOf(0, start));
  return value.split(',').filter((d) => d.length > 0);
}
