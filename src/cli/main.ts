import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../core/config.ts';
import { bootstrapCommand, migrateCommand, rotateKeysCommand } from './admin.ts';
import { buildTestImageCommand } from './image.ts';
import { netExecCommand } from './net-exec.ts';
import { startCommand } from './start.ts';

const program = new Command()
  .name('strata')
  .description(
    'An OpenStack-compatible cloud in one process: Identity, Image, Networking, Compute and Placement today, the rest of OpenStack to follow.',
  )
  .showHelpAfterError()
  .addOption(new Option('-c, --config <file>', 'YAML configuration file (default: <data-dir>/strata.yaml if present)'))
  .addOption(
    new Option('-d, --data-dir <dir>', 'where the database, token keys, clouds.yaml and admin-openrc live')
      .default('./data')
      .env('STRATA_DATA_DIR'),
  )
  .addOption(new Option('-p, --port <port>', 'TCP port of the API listener (0 picks a free one)').argParser(parsePort))
  .addOption(new Option('-H, --host <address>', 'address to listen on (default 127.0.0.1)'))
  .addHelpText(
    'after',
    `
Environment:
  STRATA_ADMIN_PASSWORD     admin password to set at bootstrap (otherwise one is generated once)
  STRATA_<SECTION>__<KEY>   any configuration value, e.g. STRATA_DATABASE__URL=postgres://...

Examples:
  strata start                          all-in-one cloud on http://127.0.0.1:8080
  strata start -d /var/lib/strata -p 5000
  openstack --os-cloud strata token issue   (with OS_CLIENT_CONFIG_FILE=<data-dir>/clouds.yaml)`,
  );

const configOf = (cmd: Command) => {
  const o = cmd.optsWithGlobals<{ config?: string; dataDir: string; port?: number; host?: string }>();
  return loadConfig({ configFile: o.config, dataDir: o.dataDir, port: o.port, host: o.host });
};

program
  .command('start', { isDefault: true })
  .description('start the all-in-one cloud: every service and agent in this process')
  .option(
    '--first-run',
    'on a new cloud also build the test guest image (when its Debian packages are there) and make the public network',
  )
  .action(async (o: { firstRun?: boolean }, cmd: Command) =>
    startCommand(await configOf(cmd), { firstRun: o.firstRun }),
  );

program
  .command('bootstrap')
  .description('create the database, token keys, admin user, project, roles, region and catalog, then exit')
  .action(async (_o, cmd: Command) => bootstrapCommand(await configOf(cmd)));

program
  .command('db')
  .description('database administration')
  .command('migrate')
  .description("apply every service's pending migrations")
  .action(async (_o, cmd: Command) => migrateCommand(await configOf(cmd)));

program
  .command('identity')
  .description('Identity administration')
  .command('rotate-keys')
  .description('rotate the Fernet token keys: the staged key becomes primary, the oldest is dropped')
  .action(async (_o, cmd: Command) => rotateKeysCommand(await configOf(cmd)));

program
  .command('image')
  .description('Image service tools')
  .command('build-test')
  .description('build the small test guest (Debian cloud kernel + busybox/dropbear initramfs) as a bootable qcow2')
  .option('-o, --out <dir>', 'output directory (default: where `strata start` looks, <data-dir>/guest)')
  .option('--cache <dir>', 'where the kernel package is kept between builds (default <out>/cache)')
  .action(async (o: { out?: string; cache?: string }, cmd: Command) => {
    const config = await configOf(cmd);
    const out = resolve(o.out ?? dirname(config.image.guestImage));
    await buildTestImageCommand({ out, cache: o.cache, startLooksAt: config.image.guestImage });
  });

program
  .command('net')
  .description('tools for the linux networking dataplane')
  .command('exec')
  .description(
    'run a command in a client namespace on the external network (reaches floating IPs; the cloud API is forwarded in)',
  )
  // Not --host: the program's global -H/--host (the API's listen address) would take it.
  .option('--agent-host <host>', 'the host whose external bridge to join (default: network.host, else this machine)')
  .option('--name <name>', 'client namespace strata-client-<name>', 'default')
  .option('--address <cidr>', "the client's address on the external network", '172.24.4.3/24')
  .option('--gateway <ip>', 'default route of the client (none by default: the floating range is on-link)')
  .option('--bridge <bridge>', "the bridge to join (default: the host's external network's)")
  .option('--no-api', 'do not forward the cloud API into the namespace')
  .option('--delete', 'remove the client namespace and exit')
  .argument('[command...]', 'the command to run (after --)')
  .action(async (argv: string[], o: Parameters<typeof netExecCommand>[1], cmd: Command) => {
    process.exitCode = await netExecCommand(await configOf(cmd), o, argv);
  });

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a TCP port: ${v}`);
  return n;
}

program.parseAsync().catch((err: Error) => {
  console.error(`strata: ${err.message}`);
  process.exit(1);
});
