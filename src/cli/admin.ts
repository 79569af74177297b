import { migrateAll, startAllInOne } from '../cloud.ts';
import type { Config } from '../core/config.ts';
import { rotateIdentityKeys } from '../identity/index.ts';

export async function migrateCommand(config: Config): Promise<void> {
  const applied = await migrateAll(config);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

export async function bootstrapCommand(config: Config): Promise<void> {
  // Bootstrap is what start does before serving; bind an ephemeral port so it works beside a running cloud.
  const running = await startAllInOne({
    ...config,
    listen: { ...config.listen, port: 0 },
    publicUrl: config.publicUrl || `http://${config.listen.host}:${config.listen.port}`,
  });
  await running.close();
  console.log(`bootstrapped; credentials in ${running.files.cloudsYaml} and ${running.files.adminOpenrc}`);
}

export async function rotateKeysCommand(config: Config): Promise<void> {
  const primary = await rotateIdentityKeys(config.dataDir, config.identity.maxActiveKeys);
  console.log(`rotated Fernet keys; primary key is now ${primary}. Restart running servers to use it.`);
}
