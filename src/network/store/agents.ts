import { randomUUID } from 'node:crypto';
import type { StateReport } from '../agent/rpc.ts';
import type { AgentRow, NetworkDb } from '../tables.ts';

/** Neutron shows agent times as Python prints a naive UTC datetime: 'YYYY-MM-DD HH:MM:SS'. */
export function agentTime(d = new Date()): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** An agent is alive while its last report is younger than `downTimeS` (Neutron's agent_down_time). */
export function isAlive(row: Pick<AgentRow, 'heartbeat_timestamp'>, downTimeS: number, now = new Date()): boolean {
  return row.heartbeat_timestamp >= aliveSince(downTimeS, now);
}

/** The oldest heartbeat that still counts as alive. */
export function aliveSince(downTimeS: number, now = new Date()): string {
  return agentTime(new Date(now.getTime() - downTimeS * 1000));
}

/**
 * Records one state report: the first creates the agent row, later ones refresh its heartbeat, configuration
 * and (on an agent restart, `start_flag`) its start time. The admin's admin_state_up and description stay.
 */
export async function recordStateReport(db: NetworkDb, report: StateReport, now = new Date()): Promise<AgentRow> {
  const ts = agentTime(now);
  const changes = {
    binary: report.binary,
    topic: report.topic,
    availability_zone: report.availability_zone,
    configurations: JSON.stringify(report.configurations ?? {}),
    resources_synced: report.resources_synced == null ? null : report.resources_synced ? 1 : 0,
    heartbeat_timestamp: ts,
    ...(report.start_flag && { started_at: ts }),
  };
  for (let attempt = 0; ; attempt++) {
    const existing = await findAgentOf(db, report.agent_type, report.host);
    if (existing) {
      await db.updateTable('network_agents').set(changes).where('id', '=', existing.id).execute();
      return { ...existing, ...changes };
    }
    const row: AgentRow = {
      id: randomUUID(),
      agent_type: report.agent_type,
      host: report.host,
      admin_state_up: 1,
      description: '',
      created_at: ts,
      started_at: ts,
      ...changes,
    };
    try {
      await db.insertInto('network_agents').values(row).execute();
      return row;
    } catch (err) {
      // Another server process inserted the same (type, host) first: update that row instead.
      if (attempt > 0) throw err;
    }
  }
}

export async function findAgentOf(db: NetworkDb, agentType: string, host: string): Promise<AgentRow | undefined> {
  return db
    .selectFrom('network_agents')
    .selectAll()
    .where('agent_type', '=', agentType)
    .where('host', '=', host)
    .executeTakeFirst();
}

export async function findAgent(db: NetworkDb, id: string): Promise<AgentRow | undefined> {
  return db.selectFrom('network_agents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateAgentRow(
  db: NetworkDb,
  id: string,
  changes: Partial<Pick<AgentRow, 'admin_state_up' | 'description'>>,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('network_agents').set(changes).where('id', '=', id).execute();
}

export async function deleteAgentRow(db: NetworkDb, id: string): Promise<void> {
  await db.deleteFrom('network_agents').where('id', '=', id).execute();
}

/** Hosts with an alive agent of `agentType` whose admin_state_up is on (the scheduler's candidates). */
export async function liveHostsOf(db: NetworkDb, agentType: string, downTimeS: number): Promise<string[]> {
  const rows = await db
    .selectFrom('network_agents')
    .select('host')
    .where('agent_type', '=', agentType)
    .where('admin_state_up', '=', 1)
    .where('heartbeat_timestamp', '>=', aliveSince(downTimeS))
    .orderBy('host')
    .execute();
  return rows.map((r) => r.host);
}
