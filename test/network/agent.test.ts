import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { Migration } from 'kysely';
import type { Bus, Notification } from '../../src/core/bus/bus.ts';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';
import { loadConfig } from '../../src/core/config.ts';
import { type Database, openDatabase } from '../../src/core/db/database.ts';
import { migrateService } from '../../src/core/db/migrate.ts';
import { createNetworkAgent, type NetworkAgent } from '../../src/network/agent/agent.ts';
import { portChanged, portDeleted } from '../../src/network/agent-notify.ts';
import { serveNetworkAgents } from '../../src/network/agent-server.ts';
import type { NetworkDeps } from '../../src/network/deps.ts';
import type { PortSpec } from '../../src/network/drivers/dataplane.ts';
import { createNoopDataplane } from '../../src/network/drivers/noop/index.ts';
import { agentTime, isAlive } from '../../src/network/store/agents.ts';
import type { NetworkDb } from '../../src/network/tables.ts';
import { freshPostgres } from '../helpers/postgres.ts';

const HOST = 'host-a';
const now = '2024-01-01T00:00:00Z';
const std = (id: string) => ({
  id,
  project_id: 'p1',
  description: '',
  created_at: now,
  updated_at: now,
  revision_number: 0,
});

/** The agent against a real database and the in-process bus, with rows written directly (no API involved). */
describe('network agent', () => {
  let database: Database;
  let db: NetworkDb;
  let bus: Bus;
  let deps: NetworkDeps;
  let agent: NetworkAgent;
  let dropPg: (() => Promise<void>) | undefined;
  let dataDir: string;
  const driver = createNoopDataplane();
  const plugged: PortSpec[] = [];
  const events: Notification[] = [];
  const netId = randomUUID();
  const subnetId = randomUUID();

  const insertPort = async (id: string, host: string, ip?: string) => {
    await db
      .insertInto('ports')
      .values({
        ...std(id),
        name: '',
        network_id: netId,
        mac_address: `fa:16:3e:${randomBytes(3).toString('hex').match(/../g)?.join(':')}`,
        admin_state_up: 1,
        status: 'DOWN',
        device_id: 'vm1',
        device_owner: 'compute:nova',
        port_security_enabled: 1,
        dns_name: '',
        propagate_uplink_status: 0,
        binding_host_id: host,
        binding_vif_type: 'unbound',
        binding_vif_details: '{}',
        binding_vnic_type: 'normal',
        binding_profile: '{}',
      })
      .execute();
    if (ip)
      await db
        .insertInto('ip_allocations')
        .values({ subnet_id: subnetId, ip_address: ip, network_id: netId, port_id: id })
        .execute();
  };
  const portRow = (id: string) => db.selectFrom('ports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 20));
    await agent.idle();
    await new Promise((r) => setTimeout(r, 20));
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-agent-'));
    const pgDb = await freshPostgres('strata_agent');
    dropPg = pgDb?.drop;
    const config = await loadConfig({
      dataDir,
      env: {},
      values: { logLevel: 'silent', network: { host: HOST }, ...(pgDb && { database: { url: pgDb.url } }) },
    });
    database = await openDatabase(config);
    await migrateService(database.db, 'network', await allNetworkMigrations());
    db = database.db as NetworkDb;
    bus = createMemoryBus();
    const log = quietLog();
    deps = { db, config, bus, log, url: (p) => p };
    bus.listenNotifications('port.', (n) => {
      events.push(n);
    });
    serveNetworkAgents(deps);
    const recording = {
      ...driver,
      plugPort: async (p: PortSpec) => {
        plugged.push(p);
        return driver.plugPort(p);
      },
    };
    agent = createNetworkAgent({ bus, host: HOST, driver: recording, log, reportInterval: 3600 });

    await db
      .insertInto('networks')
      .values({
        ...std(netId),
        name: 'n',
        admin_state_up: 1,
        status: 'ACTIVE',
        shared: 0,
        external: 0,
        mtu: 1450,
        port_security_enabled: 1,
        availability_zone_hints: '[]',
        dns_domain: '',
        network_type: 'vxlan',
        physical_network: '',
        segmentation_id: 1001,
        vlan_transparent: 0,
      })
      .execute();
    await db
      .insertInto('subnets')
      .values({
        ...std(subnetId),
        name: 's',
        network_id: netId,
        ip_version: 4,
        cidr: '10.0.0.0/24',
        gateway_ip: '10.0.0.1',
        enable_dhcp: 1,
        ipv6_ra_mode: null,
        ipv6_address_mode: null,
        subnetpool_id: null,
        service_types: '[]',
        dns_publish_fixed_ip: 0,
      })
      .execute();
  });

  after(async () => {
    await agent?.stop();
    await bus?.close();
    await database?.close();
    await dropPg?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('full-syncs on start: ports bound to its host go ACTIVE, others stay', async () => {
    const mine = randomUUID();
    const theirs = randomUUID();
    await insertPort(mine, HOST, '10.0.0.5');
    await insertPort(theirs, 'host-b', '10.0.0.6');
    await agent.start();
    await settle();
    const row = await portRow(mine);
    assert.equal(row.status, 'ACTIVE');
    assert.equal(row.binding_vif_type, 'tap');
    assert.equal(row.revision_number, 1, 'a status change is a revision');
    assert.equal((await portRow(theirs)).status, 'DOWN', "another host's port is not this agent's");
    assert.ok(driver.state.ports.has(mine));
    assert.ok(driver.state.dhcp.has(netId), 'this host serves DHCP for the network');
    assert.ok(
      events.some((e) => e.event_type === 'port.status_changed' && (e.payload as { port_id: string }).port_id === mine),
    );
  });

  it('registers as the four Neutron agent types, alive', async () => {
    const rows = await db.selectFrom('network_agents').selectAll().where('host', '=', HOST).execute();
    assert.deepEqual(rows.map((r) => r.agent_type).sort(), [
      'DHCP agent',
      'L3 agent',
      'Linux bridge agent',
      'Metadata agent',
    ]);
    const l2 = rows.find((r) => r.agent_type === 'Linux bridge agent');
    assert.equal(l2?.resources_synced, 1, 'synced after the full sync');
    assert.equal(l2?.availability_zone, null);
    assert.equal(rows.find((r) => r.agent_type === 'DHCP agent')?.availability_zone, 'nova');
    assert.match(l2?.heartbeat_timestamp ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('wires a port it is told about, with fixed IPs and security rules resolved', async () => {
    const id = randomUUID();
    await insertPort(id, HOST, '10.0.0.7');
    await portChanged(deps, { id, 'binding:host_id': HOST });
    await settle();
    assert.equal((await portRow(id)).status, 'ACTIVE');
    const spec = plugged.findLast((p) => p.id === id);
    assert.deepEqual(spec?.fixed_ips, [
      { subnet_id: subnetId, ip_address: '10.0.0.7', cidr: '10.0.0.0/24', ip_version: 4, gateway_ip: '10.0.0.1' },
    ]);
    assert.equal(spec?.network.segmentation_id, 1001);
    assert.deepEqual(spec?.security_group_rules, []);

    await portDeleted(deps, { id, 'binding:host_id': HOST, network_id: netId });
    await settle();
    assert.ok(!driver.state.ports.has(id), 'unplugged');
  });

  it('counts an agent whose last report is older than agent_down_time as dead', async () => {
    const row = await db.selectFrom('network_agents').selectAll().where('host', '=', HOST).executeTakeFirstOrThrow();
    assert.equal(isAlive(row, 75), true);
    const old = agentTime(new Date(Date.now() - 76_000));
    assert.equal(isAlive({ heartbeat_timestamp: old }, 75), false);
  });

  it('ignores unbound ports and hosts with no agent', async () => {
    await portChanged(deps, { id: randomUUID(), 'binding:host_id': '' });
    await portChanged(deps, { id: randomUUID(), 'binding:host_id': 'nobody-here' });
  });
});

async function allNetworkMigrations(): Promise<Record<string, Migration>> {
  const dir = join(import.meta.dirname, '../../src/network/migrations');
  const out: Record<string, Migration> = {};
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort())
    out[file.replace(/\.ts$/, '')] = (await import(join(dir, file))) as Migration;
  return out;
}

function quietLog(): FastifyBaseLogger {
  const noop = () => {};
  const warn = process.env.STRATA_TEST_VERBOSE ? (o: unknown, m?: string) => console.error(m, o) : noop;
  const log = { debug: noop, info: noop, warn, error: warn, trace: noop, fatal: warn, level: 'silent', silent: noop };
  return { ...log, child: () => log } as unknown as FastifyBaseLogger;
}
