import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce } from '../access.ts';
import { bodyMembers, parseCreate, parseUpdate, v } from '../attributes.ts';
import { DEFAULT_SG_NAME, ensureDefaultSecurityGroup, isDefaultSecurityGroup } from '../default-security-group.ts';
import type { NetworkDeps } from '../deps.ts';
import { conflict } from '../errors.ts';
import { applyListQuery, type ListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { checkQuota } from '../quotas.ts';
import { groupViewsOf, SECURITY_GROUP_ATTRS } from '../security-group-view.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import { sharedObjectIds } from '../store/rbac-shared.ts';
import {
  deleteSecurityGroupRow,
  findVisibleSecurityGroup,
  groupInUse,
  visibleSecurityGroups,
} from '../store/security-groups.ts';
import type { NetworkDb, SecurityGroupRow, SecurityGroupRuleRow } from '../tables.ts';

interface IdParams {
  security_group_id: string;
}

/** /v2.0/security-groups: Neutron's security groups (with stateful-security-group and shared filtering). */
export function securityGroupsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/security-groups', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, SECURITY_GROUP_ATTRS, ['shared']);
    // Neutron creates a project's default group when the project first lists its groups.
    const project = (q.filters.get('project_id')?.[0] as string | undefined) ?? caller.projectId;
    await ensureDefaultFor(deps, caller, project);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    let query = visibleSecurityGroups(deps.db, caller);
    const shared = q.extra.get('shared');
    if (shared) {
      const want = shared.map((s) => v.boolean()(s, 'shared') as boolean);
      if (!(want.includes(true) && want.includes(false))) {
        const sharedIds = sharedObjectIds('security_group', caller);
        query = query.where('security_groups.id', want[0] ? 'in' : 'not in', sharedIds);
      }
    }
    const rows = await applyListQuery(
      query,
      q,
      SECURITY_GROUP_ATTRS,
      'security_groups',
      'security_group',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/security-groups'), rawQuery(req));
    const views = await viewsFor(deps.db, caller, items, q);
    return links ? { security_groups: views, security_groups_links: links } : { security_groups: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/security-groups/:security_group_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.security_group_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, SECURITY_GROUP_ATTRS);
    const [full] = await groupViewsOf(deps.db, caller, [row]);
    enforce(req, 'get_security_group', full);
    return { security_group: pickFields(full, q.fields) };
  });

  app.post('/v2.0/security-groups', async (req, reply) => {
    const caller = callerOf(req);
    const isBulk = Array.isArray((req.body as Record<string, unknown> | null)?.security_groups);
    const parsed = bodyMembers(req.body, 'security_group', 'security_groups', true).map((m) =>
      parseGroupCreate(req, caller, m),
    );
    const rows = await deps.db.transaction().execute(async (trx) => {
      const out: SecurityGroupRow[] = [];
      for (const { values, projectId } of parsed) out.push(await insertGroup(trx, deps, values, projectId));
      return out;
    });
    const views = await groupViewsOf(deps.db, caller, rows);
    for (const view of views) await notifyChange(deps, 'security_group', 'create', view);
    reply.code(201);
    return isBulk ? { security_groups: views } : { security_group: views[0] };
  });

  app.put<{ Params: IdParams }>('/v2.0/security-groups/:security_group_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'security_group', 'security_groups', false);
    const changes = parseUpdate(SECURITY_GROUP_ATTRS, input);
    if ('name' in changes) refuseDefaultName(changes.name as string);
    const updated = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.security_group_id);
      checkIfMatch(req, row);
      const [before] = await groupViewsOf(trx, caller, [row]);
      enforce(req, 'update_security_group', before);
      if (
        'stateful' in changes &&
        Boolean(changes.stateful) !== Boolean(row.stateful) &&
        (await groupInUse(trx, deps, row.id))
      )
        throw conflict('SecurityGroupInUse', `Security Group ${row.id} in use.`);
      if ('name' in changes && row.name === DEFAULT_SG_NAME && (await isDefaultSecurityGroup(trx, row.id)))
        throw conflict('SecurityGroupCannotUpdateDefault', 'Updating default security group not allowed.');
      const set: Partial<SecurityGroupRow> = { ...bumped(row) };
      if ('name' in changes) set.name = changes.name as string;
      if ('description' in changes) set.description = changes.description as string;
      if ('stateful' in changes) set.stateful = changes.stateful ? 1 : 0;
      await trx.updateTable('security_groups').set(set).where('id', '=', row.id).execute();
      return { ...row, ...set } as SecurityGroupRow;
    });
    const [view] = await groupViewsOf(deps.db, caller, [updated]);
    await notifyChange(deps, 'security_group', 'update', view);
    return { security_group: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/security-groups/:security_group_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.security_group_id);
      checkIfMatch(req, row);
      const [before] = await groupViewsOf(trx, caller, [row]);
      enforce(req, 'delete_security_group', before);
      if (await groupInUse(trx, deps, row.id)) throw conflict('SecurityGroupInUse', `Security Group ${row.id} in use.`);
      if (row.name === DEFAULT_SG_NAME && !caller.isAdmin && (await isDefaultSecurityGroup(trx, row.id)))
        throw conflict('SecurityGroupCannotRemoveDefault', 'Insufficient rights for removing default security group.');
      await deleteSecurityGroupRow(trx, row.id);
      return before;
    });
    await notifyChange(deps, 'security_group', 'delete', view);
    return reply.code(204).send();
  });
}

/** Neutron's 404 for a group, worded as Neutron words it (not the generic "could not be found"). */
export function securityGroupNotFound(id: string): ApiError {
  return new ApiError(404, 'SecurityGroupNotFound', `Security group ${id} does not exist`);
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<SecurityGroupRow> {
  const row = await findVisibleSecurityGroup(db, caller, id);
  if (!row) throw securityGroupNotFound(id);
  return row;
}

/** Creates `project`'s default group if the caller may (Neutron lets no project create another's). */
export async function ensureDefaultFor(deps: NetworkDeps, caller: Caller, project: string): Promise<void> {
  if (!project || (project !== caller.projectId && !caller.isAdmin)) return;
  await deps.db.transaction().execute((trx) => ensureDefaultSecurityGroup(trx, deps, project));
}

/** Only Neutron may name a group `default` (any case): 409 SecurityGroupDefaultAlreadyExists. */
function refuseDefaultName(name: string): void {
  if (name.toLowerCase() === DEFAULT_SG_NAME)
    throw conflict('SecurityGroupDefaultAlreadyExists', 'Default security group already exists.');
}

function parseGroupCreate(req: FastifyRequest, caller: Caller, input: Record<string, unknown>) {
  const values = parseCreate(SECURITY_GROUP_ATTRS, input);
  refuseDefaultName(values.name as string);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  enforce(req, 'create_security_group', { ...values, project_id: projectId, tenant_id: projectId });
  return { values, projectId };
}

/** A new group allows all egress, over IPv4 and IPv6, as Neutron's do; the project's default group comes first. */
async function insertGroup(
  trx: NetworkDb,
  deps: NetworkDeps,
  values: Record<string, unknown>,
  projectId: string,
): Promise<SecurityGroupRow> {
  await ensureDefaultSecurityGroup(trx, deps, projectId);
  await checkQuota(trx, deps, projectId, 'security_group');
  await checkQuota(trx, deps, projectId, 'security_group_rule', 2);
  const row: SecurityGroupRow = {
    ...newStandardColumns(randomUUID(), projectId, values.description as string),
    name: values.name as string,
    stateful: values.stateful ? 1 : 0,
  };
  await trx.insertInto('security_groups').values(row).execute();
  const egress = (ethertype: string): SecurityGroupRuleRow => ({
    ...newStandardColumns(randomUUID(), projectId),
    security_group_id: row.id,
    direction: 'egress',
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    remote_address_group_id: null,
  });
  await trx
    .insertInto('security_group_rules')
    .values([egress('IPv4'), egress('IPv6')])
    .execute();
  return row;
}

async function viewsFor(db: NetworkDb, caller: Caller, rows: SecurityGroupRow[], q: ListQuery) {
  const views = await groupViewsOf(db, caller, rows);
  return views.map((view) => pickFields(view, q.fields));
}

function rawQuery(req: FastifyRequest): string {
  return req.url.split('?')[1] ?? '';
}
