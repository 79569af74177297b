import { run } from './run.ts';

/**
 * Network namespaces, shared by the compute and network services of one host: each host's dataplane lives in
 * `strata-host-<host>` (its bridges and taps; QEMU runs inside it), so the machine's root namespace gets
 * nothing. Router, DHCP and client namespaces hang off it with veths.
 */
export function hostNamespace(host: string): string {
  return `strata-host-${host.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}`;
}

export async function listNamespaces(): Promise<string[]> {
  const out = await run('ip', ['-j', 'netns', 'list'], { allowFail: true });
  if (out.code !== 0 || !out.stdout.trim()) return [];
  return (JSON.parse(out.stdout) as { name: string }[]).map((n) => n.name);
}

export async function namespaceExists(name: string): Promise<boolean> {
  return (await listNamespaces()).includes(name);
}

/** Creates the namespace with its loopback up; an existing one is left as it is. */
export async function ensureNamespace(name: string): Promise<void> {
  if (await namespaceExists(name)) return;
  const made = await run('ip', ['netns', 'add', name], { allowFail: true });
  // Two services of one host may race to create it: losing that race is fine.
  if (made.code !== 0 && !(await namespaceExists(name))) throw new Error(`ip netns add ${name}: ${made.stderr.trim()}`);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

export async function deleteNamespace(name: string): Promise<void> {
  await run('ip', ['netns', 'delete', name], { allowFail: true });
}
