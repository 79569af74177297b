import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import { checkName } from '../api-types.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { parseLimit, parseOffset, queryValue } from '../list-paging.ts';
import type { Microversion } from '../microversion.ts';
import { checkQuota } from '../quotas.ts';
import { callerOf } from '../request-caller.ts';
import { enforceNova } from '../server-access.ts';
import type { ServerGroupRow } from '../tables.ts';

const POLICIES = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'];

const GroupCreate = Type.Object(
  {
    server_group: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        policies: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 1, uniqueItems: true })),
        policy: Type.Optional(Type.String()),
        rules: Type.Optional(
          Type.Object(
            {
              max_server_per_host: Type.Optional(
                Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' })]),
              ),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
type GroupCreate = Static<typeof GroupCreate>;
type IdParams = { group_id: string };

const groupNotFound = (id: string) => notFound(`Instance group ${id} could not be found.`);
const unexpected = (field: string) =>
  badRequest(
    `Invalid input for field/attribute server_group. Additional properties are not allowed ('${field}' was unexpected)`,
  );

/** The policy (2.64) or the one-element policies list (before) a create asks for, checked per version. */
function requestedPolicy(body: GroupCreate['server_group'], mv: Microversion): { policy: string; rules: object } {
  if (mv.atLeast('2.64')) {
    if (body.policies !== undefined) throw unexpected('policies');
    if (body.policy === undefined)
      throw badRequest("Invalid input for field/attribute server_group. 'policy' is a required property");
    if (!POLICIES.includes(body.policy))
      throw badRequest(`Invalid input for field/attribute policy. Value: ${body.policy}.`);
    const rules: Record<string, number> = {};
    if (body.rules?.max_server_per_host !== undefined) {
      if (body.policy !== 'anti-affinity')
        throw badRequest('Only anti-affinity policy supports max_server_per_host rule.');
      rules.max_server_per_host = Number(body.rules.max_server_per_host);
    }
    return { policy: body.policy, rules };
  }
  if (body.policy !== undefined) throw unexpected('policy');
  if (body.rules !== undefined) throw unexpected('rules');
  if (body.policies === undefined)
    throw badRequest("Invalid input for field/attribute server_group. 'policies' is a required property");
  // The soft policies arrived with 2.15.
  const allowed = mv.atLeast('2.15') ? POLICIES : POLICIES.slice(0, 2);
  const [policy] = body.policies;
  if (!allowed.includes(policy)) throw badRequest(`Invalid input for field/attribute policies. Value: ${policy}.`);
  return { policy, rules: {} };
}

/**
 * /os-server-groups: affinity groups the scheduler honours (task C reads the tables); members are the servers
 * booted with the group's scheduler hint.
 */
export function serverGroupRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const view = async (rows: ServerGroupRow[], mv: Microversion) => {
    const ids = rows.map((r) => r.id);
    const members = ids.length
      ? await deps.db
          .selectFrom('server_group_members')
          .innerJoin('instances', 'instances.uuid', 'server_group_members.instance_uuid')
          .select(['group_id', 'instance_uuid'])
          .where('group_id', 'in', ids)
          .where('instances.deleted', '=', 0)
          .orderBy('instances.created_at')
          .execute()
      : [];
    return rows.map((r) => {
      const out: Record<string, unknown> = {
        id: r.id,
        name: r.name,
        members: members.filter((m) => m.group_id === r.id).map((m) => m.instance_uuid),
      };
      if (mv.atLeast('2.64')) {
        out.policy = r.policy;
        out.rules = JSON.parse(r.rules || '{}');
      } else {
        out.policies = [r.policy];
        out.metadata = {};
      }
      if (mv.atLeast('2.13')) {
        out.project_id = r.project_id;
        out.user_id = r.user_id;
      }
      return out;
    });
  };
  const find = async (req: FastifyRequest<{ Params: IdParams }>, rule: string) => {
    const row = await deps.db
      .selectFrom('server_groups')
      .selectAll()
      .where('id', '=', req.params.group_id)
      .executeTakeFirst();
    if (!row) throw groupNotFound(req.params.group_id);
    enforceNova(req, rule, { project_id: row.project_id, user_id: row.user_id });
    return row;
  };

  app.get('/v2.1/os-server-groups', async (req) => {
    const caller = callerOf(req);
    enforceNova(req, 'os_compute_api:os-server-groups:index', { project_id: caller.projectId, user_id: caller.userId });
    const query = req.query as Record<string, unknown>;
    if (req.microversion.atLeast('2.75'))
      for (const k of Object.keys(query))
        if (!['all_projects', 'limit', 'offset'].includes(k))
          throw badRequest(
            `Invalid input for query parameters ${k}. Additional properties are not allowed ('${k}' was unexpected)`,
          );
    const limit = parseLimit(query.limit);
    const offset = parseOffset(query.offset);
    const all =
      queryValue(query.all_projects) !== undefined &&
      req.ctx.allowed('os_compute_api:os-server-groups:index:all_projects', { project_id: caller.projectId });
    let q = deps.db.selectFrom('server_groups').selectAll();
    if (!all) q = q.where('project_id', '=', caller.projectId);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return {
      server_groups: await view(rows.slice(offset, limit === undefined ? undefined : offset + limit), req.microversion),
    };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-server-groups/:group_id', async (req) => {
    const row = await find(req, 'os_compute_api:os-server-groups:show');
    return { server_group: (await view([row], req.microversion))[0] };
  });

  app.post<{ Body: GroupCreate }>('/v2.1/os-server-groups', { schema: { body: GroupCreate } }, async (req) => {
    const caller = callerOf(req);
    enforceNova(req, 'os_compute_api:os-server-groups:create', {
      project_id: caller.projectId,
      user_id: caller.userId,
    });
    const body = req.body.server_group;
    checkName('name', body.name);
    const { policy, rules } = requestedPolicy(body, req.microversion);
    await checkQuota(deps, { project_id: caller.projectId, user_id: caller.userId }, { server_groups: 1 });
    const row: ServerGroupRow = {
      id: randomUUID(),
      name: body.name,
      project_id: caller.projectId,
      user_id: caller.userId,
      policy,
      rules: JSON.stringify(rules),
      created_at: new Date().toISOString(),
    };
    await deps.db.insertInto('server_groups').values(row).execute();
    return { server_group: (await view([row], req.microversion))[0] };
  });

  app.delete<{ Params: IdParams }>('/v2.1/os-server-groups/:group_id', async (req, reply) => {
    const row = await find(req, 'os_compute_api:os-server-groups:delete');
    await deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('server_group_members').where('group_id', '=', row.id).execute();
      await trx.deleteFrom('server_groups').where('id', '=', row.id).execute();
    });
    return reply.code(204).send();
  });
}
