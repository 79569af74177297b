import { type RunResult, run } from '../../src/core/host/run.ts';

/**
 * A test client on a cloud's external network: namespace `strata-client-<name>` with a veth whose other end is
 * enslaved to the external network's bridge in the cloud's host namespace. What `strata net exec` offers; this one
 * is the tests' own, for when net exec is not there (it forwards no API port).
 */
export interface ClientNamespace {
  name: string;
  exec(cmd: string, args: string[], opts?: { allowFail?: boolean; timeoutMs?: number }): Promise<RunResult>;
  remove(): Promise<void>;
}

export async function createClientNamespace(o: {
  name: string;
  hostNamespace: string;
  /** The external network's id: its bridge is `brq` + the first 11 characters. */
  externalNetworkId: string;
  /** Address with prefix on the external subnet, outside its allocation pool (172.24.4.5/24). */
  address: string;
}): Promise<ClientNamespace> {
  const ns = `strata-client-${o.name}`;
  const bridge = `brq${o.externalNetworkId.slice(0, 11)}`;
  const hostEnd = `vc-${o.name}`.slice(0, 15);
  const remove = async () => {
    await run('ip', ['-n', o.hostNamespace, 'link', 'delete', hostEnd], { allowFail: true });
    await run('ip', ['netns', 'delete', ns], { allowFail: true });
  };
  await remove();
  try {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await run('ip', [
      '-n',
      o.hostNamespace,
      'link',
      'add',
      hostEnd,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      ns,
    ]);
    await run('ip', ['-n', o.hostNamespace, 'link', 'set', hostEnd, 'master', bridge, 'up']);
    await run('ip', ['-n', ns, 'addr', 'add', o.address, 'dev', 'eth0']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    name: ns,
    exec: (cmd, args, opts = {}) =>
      run(cmd, args, {
        netns: ns,
        allowFail: opts.allowFail,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
      }),
    remove,
  };
}
