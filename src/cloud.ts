import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { compute } from './compute/index.ts';
import type { Bus } from './core/bus/bus.ts';
import { createMemoryBus } from './core/bus/memory-bus.ts';
import type { Config } from './core/config.ts';
import { openDatabase } from './core/db/database.ts';
import { migrateService } from './core/db/migrate.ts';
import { buildCloudApp, type CloudApp } from './core/http/app.ts';
import type { ServiceModule } from './core/http/service.ts';
import { ensureServiceCredentials } from './core/service-credentials.ts';
import { identity } from './identity/index.ts';
import { type ImageInstance, image } from './image/index.ts';
import { network } from './network/index.ts';
import { placement } from './placement/index.ts';

/**
 * The all-in-one composition: every service in one process on the in-process bus. This file (and the CLI)
 * are the only places that import services; services never import each other.
 */
export const MODULES: ServiceModule[] = [identity, image, network, placement, compute];

export interface RunningCloud {
  cloud: CloudApp;
  url: string;
  authUrl: string;
  adminPassword: string;
  /** Where the data is, for the banner. */
  database: string;
  /** True when this start bootstrapped a new cloud (admin user, roles, catalog). */
  firstStart: boolean;
  files: { cloudsYaml: string; adminOpenrc: string };
  /** Extra banner lines about what this start did (the guest image it uploaded). */
  notes: string[];
  close(): Promise<void>;
}

/** `bus` lets a caller (a test) listen to what the cloud says; by default the cloud makes its own. */
export async function startAllInOne(config: Config, opts: { bus?: Bus } = {}): Promise<RunningCloud> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase(config);
  const bus = opts.bus ?? createMemoryBus();
  let cloud: CloudApp;
  try {
    cloud = await buildCloudApp({ config, database, bus, modules: MODULES });
    await cloud.listen();
  } catch (err) {
    await database.close();
    throw err;
  }
  const url = cloud.publicUrl();
  const files = { cloudsYaml: join(config.dataDir, 'clouds.yaml'), adminOpenrc: join(config.dataDir, 'admin-openrc') };
  const stored = await storedPassword(files.cloudsYaml);
  const wanted = config.admin.password || stored || randomBytes(18).toString('base64url');
  const idInstance = cloud.services.find((s) => s.module === identity)?.instance as Awaited<
    ReturnType<typeof identity.create>
  >;
  const serviceAuth = await ensureServiceCredentials(config);
  const { created, adminProjectId } = await idInstance.bootstrap({
    adminUser: config.admin.user,
    adminProject: config.admin.project,
    adminPassword: wanted === stored ? undefined : wanted,
    region: config.region,
    // Service users (compute, ...) that services call each other as; compute reads the file saved below.
    serviceUsers: serviceAuth.users,
    serviceProject: serviceAuth.project,
  });
  await serviceAuth.save();
  await cloud.start();
  const authUrl = `${url}/identity/v3`;
  await writeCredentials(files, {
    authUrl,
    user: config.admin.user,
    project: config.admin.project,
    password: wanted,
    region: config.region,
  });
  const notes = await seedGuestImage(cloud, config, adminProjectId);
  return {
    cloud,
    url,
    notes,
    authUrl,
    adminPassword: wanted,
    database: database.describe,
    firstStart: created,
    files,
    async close() {
      await cloud.close();
      await bus.close();
      await database.close();
    },
  };
}

/**
 * The test guest, once `strata image build-test` has built it: uploaded as the public image `strata-guest`
 * (again only when the file changed). A broken file is reported, not fatal: the cloud is useful without it.
 */
async function seedGuestImage(cloud: CloudApp, config: Config, owner: string): Promise<string[]> {
  const file = config.image.guestImage;
  if (!file || !existsSync(file)) return [];
  const imageInstance = cloud.services.find((s) => s.module === image)?.instance as ImageInstance;
  try {
    const { id, uploaded } = await imageInstance.seed({ name: 'strata-guest', file, owner, disk_format: 'qcow2' });
    return [`guest image  strata-guest ${id} ${uploaded ? 'uploaded now from' : 'from'} ${file}`];
  } catch (err) {
    return [`guest image  not uploaded: ${(err as Error).message}`];
  }
}

/** Applies every service's pending migrations; returns the names applied. */
export async function migrateAll(config: Config): Promise<string[]> {
  const database = await openDatabase(config);
  try {
    const applied: string[] = [];
    for (const m of MODULES) {
      const result = await migrateService(database.db, m.name, m.migrations);
      applied.push(...(result.results ?? []).map((r) => `${m.name}/${r.migrationName}`));
    }
    return applied;
  } finally {
    await database.close();
  }
}

async function storedPassword(cloudsYaml: string): Promise<string | undefined> {
  try {
    const doc = parseYaml(await readFile(cloudsYaml, 'utf8'));
    return doc?.clouds?.strata?.auth?.password;
  } catch {
    return undefined;
  }
}

interface Creds {
  authUrl: string;
  user: string;
  project: string;
  password: string;
  region: string;
}

/** clouds.yaml (for `openstack --os-cloud strata`) and an openrc, both readable by the owner only. */
async function writeCredentials(files: RunningCloud['files'], c: Creds): Promise<void> {
  const clouds = {
    clouds: {
      strata: {
        auth: {
          auth_url: c.authUrl,
          username: c.user,
          password: c.password,
          project_name: c.project,
          user_domain_name: 'Default',
          project_domain_name: 'Default',
        },
        region_name: c.region,
        interface: 'public',
        identity_api_version: 3,
      },
    },
  };
  await writeFile(files.cloudsYaml, toYaml(clouds), { mode: 0o600 });
  const rc = [
    `export OS_AUTH_URL=${c.authUrl}`,
    `export OS_USERNAME=${c.user}`,
    `export OS_PASSWORD='${c.password.replaceAll("'", "'\\''")}'`,
    `export OS_PROJECT_NAME=${c.project}`,
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    `export OS_REGION_NAME=${c.region}`,
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_INTERFACE=public',
    '',
  ].join('\n');
  await writeFile(files.adminOpenrc, rc, { mode: 0o600 });
}
