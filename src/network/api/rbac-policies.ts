import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../core/db/database.ts';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce } from '../access.ts';
import { type AttrMap, bodyMembers, parseCreate, parseUpdate, v } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { applyListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { checkQuota } from '../quotas.ts';
import { isoNow } from '../standard-attrs.ts';
import { findVisibleNetwork } from '../store/networks.ts';
import { externalInUse, mirrorWildcard, portsWouldLoseAccess, RBAC_OBJECTS } from '../store/rbac-policies.ts';
import type { NetworkDb, RbacRow } from '../tables.ts';

interface IdParams {
  rbac_policy_id: string;
}

/** Neutron's rbac_policy attribute map; `target_project` is accepted as the newer name of `target_tenant`. */
const RBAC_ATTRS: AttrMap = {
  id: { parse: v.uuid(), filter: true, sort: true },
  project_id: { parse: v.string(255), post: true, filter: true, sort: true },
  object_type: { parse: v.string(255), post: true, required: true, filter: true, sort: true },
  object_id: { parse: v.uuid(), post: true, required: true, filter: true, sort: true },
  action: { parse: v.string(255), post: true, required: true, filter: true, sort: true },
  target_tenant: {
    parse: v.string(255),
    post: true,
    put: true,
    required: true,
    filter: true,
    sort: true,
    column: 'target_project',
  },
};

/** /v2.0/rbac-policies: sharing a network with one project or every project ('*'), as shared or external. */
export function rbacPoliciesRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/rbac-policies', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, RBAC_ATTRS);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visible(deps.db, caller),
      q,
      RBAC_ATTRS,
      'network_rbacs',
      'rbac_policy',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/rbac-policies'), req.url.split('?')[1] ?? '');
    const views = items.map(rbacView).filter((view) => req.ctx.allowed('get_rbac_policy', view));
    const picked = views.map((view) => pickFields(view, q.fields));
    return links ? { rbac_policies: picked, rbac_policies_links: links } : { rbac_policies: picked };
  });

  app.get<{ Params: IdParams }>('/v2.0/rbac-policies/:rbac_policy_id', async (req) => {
    const view = rbacView(await visibleOr404(deps.db, callerOf(req), req.params.rbac_policy_id));
    enforce(req, 'get_rbac_policy', view);
    const fields = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, RBAC_ATTRS).fields;
    return { rbac_policy: pickFields(view, fields) };
  });

  app.post('/v2.0/rbac-policies', async (req, reply) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'rbac_policy', 'rbac_policies', false);
    const values = parseCreate(RBAC_ATTRS, withTargetTenant(input));
    const projectId = ownerOf(caller, values.project_id as string | undefined);
    const objectType = String(values.object_type).trim().toLowerCase();
    const object = RBAC_OBJECTS[objectType];
    if (!object) throw invalidInput(`'${values.object_type}' is not a valid RBAC object type`);
    const action = values.action as string;
    if (!object.actions.includes(action))
      throw new ApiError(
        400,
        'InvalidActionForType',
        `Invalid action '${action}' for object type '${objectType}'. Valid actions: [${object.actions.map((a) => `'${a}'`).join(', ')}]`,
      );
    const now = isoNow();
    const row: RbacRow = {
      id: randomUUID(),
      project_id: projectId,
      object_type: objectType as RbacRow['object_type'],
      object_id: values.object_id as string,
      action: action as RbacRow['action'],
      target_project: values.target_tenant as string,
      created_at: now,
      updated_at: now,
    };
    const view = rbacView(row);
    enforce(req, 'create_rbac_policy', view);
    enforce(req, 'create_rbac_policy:target_tenant', view);
    await deps.db.transaction().execute(async (trx) => {
      await checkOwnsNetwork(trx, caller, row.object_id);
      await checkQuota(trx, deps, projectId, 'rbac_policy');
      if (await sameExists(trx, row)) throw duplicate();
      try {
        await trx.insertInto('network_rbacs').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw duplicate();
        throw err;
      }
      await mirrorWildcard(trx, row);
    });
    await notifyChange(deps, 'rbac_policy', 'create', view);
    reply.code(201);
    return { rbac_policy: view };
  });

  app.put<{ Params: IdParams }>('/v2.0/rbac-policies/:rbac_policy_id', async (req) => {
    const caller = callerOf(req);
    const [input] = bodyMembers(req.body, 'rbac_policy', 'rbac_policies', false);
    const changes = parseUpdate(RBAC_ATTRS, withTargetTenant(input));
    const updated = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.rbac_policy_id);
      const before = rbacView(row);
      enforce(req, 'update_rbac_policy', before);
      if (!('target_tenant' in changes) || changes.target_tenant === row.target_project) return row;
      const next: RbacRow = { ...row, target_project: changes.target_tenant as string, updated_at: isoNow() };
      enforce(req, 'update_rbac_policy:target_tenant', rbacView(next));
      await checkOwnsNetwork(trx, caller, row.object_id);
      await refuseIfInUse(trx, deps, row, next.target_project);
      if (await sameExists(trx, next)) throw duplicate();
      await trx
        .updateTable('network_rbacs')
        .set({ target_project: next.target_project, updated_at: next.updated_at })
        .where('id', '=', row.id)
        .execute();
      await mirrorWildcard(trx, next);
      return next;
    });
    const view = rbacView(updated);
    await notifyChange(deps, 'rbac_policy', 'update', view);
    return { rbac_policy: view };
  });

  app.delete<{ Params: IdParams }>('/v2.0/rbac-policies/:rbac_policy_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.rbac_policy_id);
      const before = rbacView(row);
      enforce(req, 'delete_rbac_policy', before);
      await refuseIfInUse(trx, deps, row);
      await trx.deleteFrom('network_rbacs').where('id', '=', row.id).execute();
      await mirrorWildcard(trx, row);
      return before;
    });
    await notifyChange(deps, 'rbac_policy', 'delete', view);
    return reply.code(204).send();
  });
}

/** Policies the caller may see: an admin all, others their project's own. */
function visible(db: NetworkDb, caller: Caller) {
  const q = db.selectFrom('network_rbacs').selectAll('network_rbacs');
  return caller.isAdmin ? q : q.where('network_rbacs.project_id', '=', caller.projectId);
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<RbacRow> {
  const row = await visible(db, caller).where('network_rbacs.id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError(404, 'RbacPolicyNotFound', `RBAC policy of type unknown with ID ${id} not found`);
  return row as RbacRow;
}

export function rbacView(row: RbacRow): Record<string, unknown> {
  return {
    id: row.id,
    project_id: row.project_id,
    tenant_id: row.project_id,
    object_type: row.object_type,
    object_id: row.object_id,
    action: row.action,
    target_tenant: row.target_project,
  };
}

/** Only the network's owner (or an admin) shares it; a project it is merely shared with may not. */
async function checkOwnsNetwork(db: NetworkDb, caller: Caller, networkId: string): Promise<void> {
  const net = await findVisibleNetwork(db, caller, networkId);
  if (!net) throw notFound('network', networkId);
  if (!caller.isAdmin && net.project_id !== caller.projectId)
    throw invalidInput('Only admins can manipulate policies on networks they do not own');
}

/**
 * A project losing shared access to a network must have no ports left on it, and one losing external access no
 * router gateway on it (409 RbacPolicyInUse). `newProject` is an update's new target.
 */
async function refuseIfInUse(db: NetworkDb, deps: NetworkDeps, row: RbacRow, newProject?: string): Promise<void> {
  if (row.object_type !== 'network') return;
  const inUse = (details: string) =>
    conflict(
      'RbacPolicyInUse',
      `RBAC policy on object ${row.object_id} cannot be removed because other objects depend on it.\nDetails: ${details}`,
    );
  if (row.action === 'access_as_external') {
    if (await externalInUse(db, deps, row, newProject))
      throw inUse('There are routers attached to this network that depend on this policy for access.');
    return;
  }
  const net = await db.selectFrom('networks').select('project_id').where('id', '=', row.object_id).executeTakeFirst();
  if (!net) return;
  if (await portsWouldLoseAccess(db, deps, row.object_id, net.project_id, row.id, row.target_project))
    throw inUse(`Unable to reconfigure sharing settings for network ${row.object_id}. Multiple tenants are using it.`);
}

async function sameExists(db: NetworkDb, row: RbacRow): Promise<boolean> {
  const found = await db
    .selectFrom('network_rbacs')
    .select('id')
    .where('object_type', '=', row.object_type)
    .where('object_id', '=', row.object_id)
    .where('action', '=', row.action)
    .where('target_project', '=', row.target_project)
    .executeTakeFirst();
  return found !== undefined;
}

/** `target_project` (newer clients) and `target_tenant` are one attribute. */
function withTargetTenant(input: Record<string, unknown>): Record<string, unknown> {
  if (!('target_project' in input)) return input;
  const { target_project: targetProject, ...rest } = input;
  if ('target_tenant' in rest && rest.target_tenant !== targetProject)
    throw badRequest("'target_project' and 'target_tenant' do not match");
  return { ...rest, target_tenant: targetProject };
}

const duplicate = () => conflict('DuplicateRbacPolicy', 'An RBAC policy already exists with those values.');

function invalidInput(reason: string): ApiError {
  return new ApiError(400, 'InvalidInput', `Invalid input for operation: ${reason}.`);
}
