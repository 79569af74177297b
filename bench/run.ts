/**
 * `npm run bench -- <service> [options]`: runs one service's benchmark; with no service, lists them.
 * Benchmarks print figures and how they compare with their targets. They exit non-zero only when the
 * benchmark itself broke (a server that would not start, a load generator that died), never for a missed target.
 */

interface BenchModule {
  run(args: string[], opts: { signal: AbortSignal }): Promise<void>;
}

// Loaded on demand, so listing the benches does not load every service's code.
const BENCHES: Record<string, { description: string; load: () => Promise<BenchModule> }> = {
  identity: {
    description: 'Keystone v3: token issue and validation, project list, RSS, start-up time',
    load: () => import('./identity.ts'),
  },
  image: {
    description: 'Glance v2: 1 GiB upload and download against loopback + disk, server RSS, vs Glance',
    load: () => import('./image.ts'),
  },
  network: {
    description: 'Neutron v2.0: 10,000 port creates (p50/p99), port lists with and without fields=, vs Neutron',
    load: () => import('./network.ts'),
  },
  compute: {
    description: 'Nova v2.1: boot 1,000 servers (fake driver, c=16), time to ACTIVE, server list of 1,000, delete all',
    load: () => import('./compute.ts'),
  },
  boot: {
    description: 'Real instances: server create to the guest ready marker, 1 and 10 at once, vs bare qemu (root)',
    load: () => import('./boot.ts'),
  },
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || !(name in BENCHES)) {
    if (name && !name.startsWith('-')) console.error(`bench: no benchmark named '${name}'\n`);
    console.log(
      'usage: npm run bench -- <service> [--json] [--duration <seconds>] [--size-mib <n>] [--ports <n>] [--servers <n>|1,10]\n\navailable:',
    );
    for (const [n, b] of Object.entries(BENCHES)) console.log(`  ${n.padEnd(10)} ${b.description}`);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  const controller = new AbortController();
  const bench = await BENCHES[name].load();
  await bench.run(rest, { signal: controller.signal });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`bench: broken: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
