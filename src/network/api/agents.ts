import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { enforce } from '../access.ts';
import { type AttrMap, bodyMembers, parseUpdate, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { applyListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { aliveSince, deleteAgentRow, findAgent, isAlive, updateAgentRow } from '../store/agents.ts';
import type { AgentRow } from '../tables.ts';

interface IdParams {
  agent_id: string;
}

const str = { parse: v.string(), filter: true, sort: true };

/** neutron-lib's agent attribute map: only admin_state_up and description change; agents create themselves. */
export const AGENT_ATTRS: AttrMap = {
  id: { parse: v.uuid(), filter: true, sort: true },
  agent_type: str,
  binary: str,
  topic: str,
  host: str,
  availability_zone: str,
  admin_state_up: { parse: v.boolean(), put: true, filter: true, sort: true },
  description: { parse: v.string(255), put: true, filter: true, sort: true },
  created_at: str,
  started_at: str,
  heartbeat_timestamp: str,
};

/** /v2.0/agents (admin only): the agents that have reported, alive while their heartbeat is recent. */
export function agentsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  const downTime = () => deps.config.network.agentDownTime;

  app.get('/v2.0/agents', async (req) => {
    const q = parseListQuery(req.query as Record<string, string>, AGENT_ATTRS, ['alive']);
    // Neutron filters each agent through get_agent: a non-admin sees an empty list, not a 403.
    if (!req.ctx.allowed('get_agent', {})) return { agents: [] };
    const marker = q.marker ? await visibleOr404(req, deps, q.marker) : undefined;
    let query = deps.db.selectFrom('network_agents').selectAll();
    for (const raw of q.extra.get('alive') ?? []) {
      const alive = v.boolean()(raw, 'alive');
      query = query.where('heartbeat_timestamp', alive ? '>=' : '<', aliveSince(downTime()));
    }
    const rows = await applyListQuery(query, q, AGENT_ATTRS, 'network_agents', 'agent', marker).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/agents'), req.url.split('?')[1] ?? '');
    const agents = items.map((row) => pickFields(agentView(row, downTime()), q.fields));
    return links ? { agents, agents_links: links } : { agents };
  });

  app.get<{ Params: IdParams }>('/v2.0/agents/:agent_id', async (req) => {
    const row = await visibleOr404(req, deps, req.params.agent_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, AGENT_ATTRS);
    return { agent: pickFields(agentView(row, downTime()), q.fields) };
  });

  app.put<{ Params: IdParams }>('/v2.0/agents/:agent_id', async (req) => {
    const [input] = bodyMembers(req.body, 'agent', 'agents', false);
    const changes = parseUpdate(AGENT_ATTRS, input);
    const row = await visibleOr404(req, deps, req.params.agent_id);
    enforce(req, 'update_agent', agentView(row, downTime()));
    const next: Partial<Pick<AgentRow, 'admin_state_up' | 'description'>> = {};
    if ('admin_state_up' in changes) next.admin_state_up = changes.admin_state_up ? 1 : 0;
    if ('description' in changes) next.description = changes.description as string;
    await updateAgentRow(deps.db, row.id, next);
    return { agent: agentView({ ...row, ...next }, downTime()) };
  });

  app.delete<{ Params: IdParams }>('/v2.0/agents/:agent_id', async (req, reply) => {
    const row = await visibleOr404(req, deps, req.params.agent_id);
    enforce(req, 'delete_agent', agentView(row, downTime()));
    // A running agent registers again with its next report, as in Neutron.
    await deleteAgentRow(deps.db, row.id);
    return reply.code(204).send();
  });
}

/** An agent the caller may see (get_agent), else AgentNotFound: non-admins learn nothing of agents. */
async function visibleOr404(req: FastifyRequest, deps: NetworkDeps, id: string): Promise<AgentRow> {
  const row = await findAgent(deps.db, id);
  if (!row || !req.ctx.allowed('get_agent', agentView(row, deps.config.network.agentDownTime)))
    throw notFound('agent', id);
  return row;
}

export function agentView(row: AgentRow, downTimeS: number): Record<string, unknown> {
  return {
    id: row.id,
    agent_type: row.agent_type,
    binary: row.binary,
    topic: row.topic,
    host: row.host,
    admin_state_up: Boolean(row.admin_state_up),
    created_at: row.created_at,
    started_at: row.started_at,
    heartbeat_timestamp: row.heartbeat_timestamp,
    alive: isAlive(row, downTimeS),
    configurations: parseConfigurations(row.configurations),
    availability_zone: row.availability_zone,
    description: row.description,
    resources_synced: row.resources_synced === null ? null : Boolean(row.resources_synced),
  };
}

function parseConfigurations(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
