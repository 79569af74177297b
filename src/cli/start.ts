import { startAllInOne } from '../cloud.ts';
import type { Config } from '../core/config.ts';
import { buildGuestIfMissing, createPublicNetwork } from './first-start.ts';

/** `firstRun`: what ./start.sh asks for, a cloud ready to boot servers (the guest image, the public network). */
export async function startCommand(config: Config, opts: { firstRun?: boolean } = {}): Promise<void> {
  const prepared = opts.firstRun ? await buildGuestIfMissing(config, (l) => console.log(l)) : [];
  const began = performance.now();
  const running = await startAllInOne(config);
  const ms = Math.round(performance.now() - began);
  const made = opts.firstRun && running.firstStart ? await createPublicNetwork(running, config) : [];
  const lines = [
    `Strata is up in ${ms} ms at ${running.url}`,
    `  identity     ${running.authUrl}`,
    `  data         ${config.dataDir}`,
    `  database     ${running.database}`,
    `  credentials  ${running.files.cloudsYaml}, ${running.files.adminOpenrc}`,
    `  admin        user '${config.admin.user}', project '${config.admin.project}', password in the files above`,
    ...(running.firstStart
      ? ['  first start  created the database, token keys, admin user, project, roles, region and catalog']
      : []),
    `  drivers      message bus: in-process; identity: SQL backend, Fernet tokens`,
    ...running.cloud.services.flatMap(({ instance }) => instance.describe?.() ?? []).map((l) => `  ${l}`),
    ...[...prepared, ...running.notes, ...made].map((l) => `  ${l}`),
    `Try: OS_CLIENT_CONFIG_FILE=${running.files.cloudsYaml} openstack --os-cloud strata token issue`,
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
