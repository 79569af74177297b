import type { TestContext } from 'node:test';
import pino from 'pino';
import { ADMIN_SCOPE } from '../../scripts/identity-client.ts';
import { createImageClient } from '../../src/compute/clients/image.ts';
import { createNetworkClient } from '../../src/compute/clients/network.ts';
import type { ComputeBase } from '../../src/compute/deps.ts';
import type { ComputeDb } from '../../src/compute/tables.ts';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { openDatabase } from '../../src/core/db/database.ts';
import { createServiceClient } from '../../src/core/service-client.ts';
import { serviceCredentials } from '../../src/core/service-credentials.ts';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { instanceRow } from './compute-fixture.ts';

/**
 * A started cloud plus the Compute clients built the way compute/index.ts builds them (the same database,
 * the same service user), so a test can call validateRequested/allocatePorts directly.
 */
export async function cloudWithClients(t: TestContext, values: Parameters<typeof startCloud>[1] = {}) {
  const cloud = await startCloud(t, values);
  // The cloud's own database: its SQLite file, or its PostgreSQL database when the tests run on PostgreSQL.
  const config: Config = await loadConfig({
    dataDir: cloud.dataDir,
    env: {},
    values: { logLevel: 'silent', ...(cloud.databaseUrl && { database: { url: cloud.databaseUrl } }) },
  });
  const database = await openDatabase(config);
  t.after(() => database.close());
  const base: ComputeBase = {
    db: database.db as unknown as ComputeDb,
    config,
    bus: undefined as never,
    log: pino({ level: 'silent' }),
    url: (path) => `${cloud.base}/compute${path}`,
    publicUrl: () => cloud.base,
    services: createServiceClient({ authUrl: () => cloud.authUrl, credentials: () => serviceCredentials(config) }),
  };
  const admin = await cloud.login('admin', cloud.adminPassword, ADMIN_SCOPE);
  return {
    cloud,
    base,
    image: createImageClient(base),
    network: createNetworkClient(base),
    adminProjectId: admin.body.project.id as string,
  };
}

/** Creates a network with one IPv4 subnet as admin; returns their ids. */
export async function makeNetwork(
  cloud: TestCloud,
  name: string,
  cidr: string,
  extra: Record<string, unknown> = {},
): Promise<{ networkId: string; subnetId: string }> {
  const net = await cloud.call('POST', '/networking/v2.0/networks', {
    token: cloud.adminToken,
    body: { network: { name, ...extra } },
  });
  if (net.status !== 201) throw new Error(`network: ${net.status} ${JSON.stringify(net.body)}`);
  const sub = await cloud.call('POST', '/networking/v2.0/subnets', {
    token: cloud.adminToken,
    body: { subnet: { network_id: net.body.network.id, cidr, ip_version: 4, name: `${name}-subnet` } },
  });
  if (sub.status !== 201) throw new Error(`subnet: ${sub.status} ${JSON.stringify(sub.body)}`);
  return { networkId: net.body.network.id, subnetId: sub.body.subnet.id };
}

/** A server row as the API would have written it (for tests of what reads or refreshes servers). */
export async function insertInstance(
  db: ComputeDb,
  row: { uuid: string; project_id: string; user_id?: string; host?: string | null; info_cache?: string },
): Promise<void> {
  const host = row.host === undefined ? 'host-1' : row.host;
  await db
    .insertInto('instances')
    .values(
      instanceRow({
        uuid: row.uuid,
        project_id: row.project_id,
        user_id: row.user_id ?? 'user',
        host,
        node: host,
        info_cache: row.info_cache ?? '[]',
      }),
    )
    .execute();
}

/** A project with a user holding `member` in it; returns the user's project-scoped token. */
export async function memberUser(
  cloud: TestCloud,
  name: string,
): Promise<{ token: string; projectId: string; userId: string }> {
  const admin = { token: cloud.adminToken };
  const project = await cloud.call('POST', '/identity/v3/projects', {
    ...admin,
    body: { project: { name: `${name}-project` } },
  });
  const password = `pw-${name}`;
  const user = await cloud.call('POST', '/identity/v3/users', {
    ...admin,
    body: { user: { name, password, default_project_id: project.body.project.id } },
  });
  const roles = await cloud.call('GET', '/identity/v3/roles?name=member', admin);
  const grant = await cloud.call(
    'PUT',
    `/identity/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
    admin,
  );
  if (grant.status !== 204) throw new Error(`grant: ${grant.status}`);
  const login = await cloud.login(name, password, { project: { id: project.body.project.id } });
  return { token: login.token, projectId: project.body.project.id, userId: user.body.user.id };
}
