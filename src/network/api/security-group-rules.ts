import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { type Caller, callerOf, enforce } from '../access.ts';
import { securityGroupChanged } from '../agent-notify.ts';
import { bodyMembers, parseCreate } from '../attributes.ts';
import type { NetworkDeps } from '../deps.ts';
import { badRequest, conflict } from '../errors.ts';
import { applyListQuery, pageOf, parseListQuery, pickFields } from '../listing.ts';
import { ownerOf } from '../network-create.ts';
import { notifyChange } from '../notifications.ts';
import { checkQuota } from '../quotas.ts';
import { checkRule, type RuleInput, ruleKey } from '../security-group-rule-input.ts';
import { ruleViewsOf, SECURITY_GROUP_RULE_ATTRS } from '../security-group-view.ts';
import { bumped, checkIfMatch, newStandardColumns } from '../standard-attrs.ts';
import { findVisibleSecurityGroup, visibleRules } from '../store/security-groups.ts';
import { deleteTags } from '../store/tags.ts';
import type { NetworkDb, SecurityGroupRuleRow } from '../tables.ts';
import { ensureDefaultFor, securityGroupNotFound } from './security-groups.ts';

interface IdParams {
  security_group_rule_id: string;
}

interface ParsedRule {
  rule: RuleInput;
  description: string;
  projectId: string;
}

/** /v2.0/security-group-rules: create (one or a bulk for one group), show, list, delete; rules never change. */
export function securityGroupRulesRoutes(app: ServiceApp, deps: NetworkDeps): void {
  app.get('/v2.0/security-group-rules', async (req) => {
    const caller = callerOf(req);
    const q = parseListQuery(req.query as Record<string, string>, SECURITY_GROUP_RULE_ATTRS);
    await ensureDefaultFor(deps, caller, (q.filters.get('project_id')?.[0] as string | undefined) ?? caller.projectId);
    const marker = q.marker ? await visibleOr404(deps.db, caller, q.marker) : undefined;
    const rows = await applyListQuery(
      visibleRules(deps.db, caller),
      q,
      SECURITY_GROUP_RULE_ATTRS,
      'security_group_rules',
      'security_group_rule',
      marker,
    ).execute();
    const { items, links } = pageOf(rows, q, deps.url('/v2.0/security-group-rules'), rawQuery(req));
    const views = (await ruleViewsOf(deps.db, items)).map((view) => pickFields(view, q.fields));
    return links ? { security_group_rules: views, security_group_rules_links: links } : { security_group_rules: views };
  });

  app.get<{ Params: IdParams }>('/v2.0/security-group-rules/:security_group_rule_id', async (req) => {
    const caller = callerOf(req);
    const row = await visibleOr404(deps.db, caller, req.params.security_group_rule_id);
    const q = parseListQuery({ fields: (req.query as Record<string, string>).fields ?? [] }, SECURITY_GROUP_RULE_ATTRS);
    const [view] = await ruleViewsOf(deps.db, [row]);
    if (!req.ctx.allowed('get_security_group_rule', await policyTarget(deps.db, view))) throw ruleNotFound(row.id);
    return { security_group_rule: pickFields(view, q.fields) };
  });

  app.post('/v2.0/security-group-rules', async (req, reply) => {
    const caller = callerOf(req);
    const isBulk = Array.isArray((req.body as Record<string, unknown> | null)?.security_group_rules);
    const parsed = bodyMembers(req.body, 'security_group_rule', 'security_group_rules', true).map((m) =>
      parseRuleCreate(req, caller, m),
    );
    if (new Set(parsed.map((p) => p.rule.security_group_id)).size > 1)
      throw badRequest(
        'Only allowed to update rules for one security profile at a time',
        'SecurityGroupNotSingleGroupRules',
      );
    if (new Set(parsed.map((p) => p.projectId)).size > 1)
      throw badRequest(
        'Multiple tenant_ids in bulk security group rule create not allowed',
        'SecurityGroupRulesNotSingleTenant',
      );
    for (const p of parsed) checkRule(p.rule);
    const rows = await deps.db.transaction().execute((trx) => insertRules(trx, deps, caller, parsed));
    const views = await ruleViewsOf(deps.db, rows);
    for (const view of views) await notifyChange(deps, 'security_group_rule', 'create', view);
    if (parsed[0]) await securityGroupChanged(deps, parsed[0].rule.security_group_id);
    reply.code(201);
    return isBulk ? { security_group_rules: views } : { security_group_rule: views[0] };
  });

  // Rules are immutable: Neutron offers no update.
  app.put('/v2.0/security-group-rules/:security_group_rule_id', async () => {
    throw new ApiError(405, 'HTTPMethodNotAllowed', 'The method PUT is not allowed for security group rules.');
  });

  app.delete<{ Params: IdParams }>('/v2.0/security-group-rules/:security_group_rule_id', async (req, reply) => {
    const caller = callerOf(req);
    const view = await deps.db.transaction().execute(async (trx) => {
      const row = await visibleOr404(trx, caller, req.params.security_group_rule_id);
      checkIfMatch(req, row);
      const [before] = await ruleViewsOf(trx, [row]);
      enforce(req, 'delete_security_group_rule', await policyTarget(trx, before));
      await deleteTags(trx, 'security_group_rule', row.id);
      await trx.deleteFrom('security_group_rules').where('id', '=', row.id).execute();
      await bumpGroup(trx, row.security_group_id);
      return before;
    });
    await notifyChange(deps, 'security_group_rule', 'delete', view);
    await securityGroupChanged(deps, String(view.security_group_id));
    return reply.code(204).send();
  });
}

function ruleNotFound(id: string): ApiError {
  return new ApiError(404, 'SecurityGroupRuleNotFound', `Security group rule ${id} does not exist`);
}

async function visibleOr404(db: NetworkDb, caller: Caller, id: string): Promise<SecurityGroupRuleRow> {
  const row = await visibleRules(db, caller).where('security_group_rules.id', '=', id).executeTakeFirst();
  if (!row) throw ruleNotFound(id);
  return row;
}

/** A rule's policy target: its attributes and its group's owner (`security_group:tenant_id`). */
async function policyTarget(db: NetworkDb, view: Record<string, unknown>): Promise<Record<string, unknown>> {
  const group = await db
    .selectFrom('security_groups')
    .select('project_id')
    .where('id', '=', view.security_group_id as string)
    .executeTakeFirst();
  const owner = group?.project_id ?? '';
  return { ...view, 'security_group:tenant_id': owner, 'security_group:project_id': owner };
}

function parseRuleCreate(req: FastifyRequest, caller: Caller, input: Record<string, unknown>): ParsedRule {
  const values = parseCreate(SECURITY_GROUP_RULE_ATTRS, input);
  const projectId = ownerOf(caller, values.project_id as string | undefined);
  enforce(req, 'create_security_group_rule', { ...values, project_id: projectId, tenant_id: projectId });
  const rule: RuleInput = {
    security_group_id: values.security_group_id as string,
    direction: values.direction as string,
    ethertype: values.ethertype as string,
    protocol: values.protocol as string | null,
    port_range_min: values.port_range_min as number | null,
    port_range_max: values.port_range_max as number | null,
    remote_ip_prefix: values.remote_ip_prefix as string | null,
    remote_group_id: (values.remote_group_id as string | null) || null,
    remote_address_group_id: values.remote_address_group_id as string | null,
  };
  return { rule, description: values.description as string, projectId };
}

/**
 * Checks the groups named exist for the rules' project (404 otherwise), refuses duplicates (409, naming the
 * existing rule) and inserts; the group's revision moves with its rules.
 */
async function insertRules(
  trx: NetworkDb,
  deps: NetworkDeps,
  caller: Caller,
  parsed: ParsedRule[],
): Promise<SecurityGroupRuleRow[]> {
  const { projectId } = parsed[0];
  // A group is usable when the rules' project may see it (its own, or shared with it); an admin may use any.
  const asOwner: Caller = { ...caller, projectId };
  for (const { rule } of parsed) {
    if (rule.remote_group_id && !(await findVisibleSecurityGroup(trx, asOwner, rule.remote_group_id)))
      throw securityGroupNotFound(rule.remote_group_id);
    if (rule.remote_address_group_id)
      throw new ApiError(
        404,
        'AddressGroupNotFound',
        `Address group ${rule.remote_address_group_id} could not be found.`,
      );
  }
  const groupId = parsed[0].rule.security_group_id;
  const group = await findVisibleSecurityGroup(trx, asOwner, groupId);
  if (!group) throw securityGroupNotFound(groupId);
  await checkQuota(trx, deps, projectId, 'security_group_rule', parsed.length);

  const keys = new Set<string>();
  for (const { rule } of parsed) {
    const key = ruleKey(rule);
    if (keys.has(key)) throw conflict('DuplicateSecurityGroupRuleInPost', 'Duplicate Security Group Rule in POST.');
    keys.add(key);
  }
  const existing = await trx
    .selectFrom('security_group_rules')
    .selectAll()
    .where('security_group_id', '=', groupId)
    .execute();
  for (const row of existing)
    if (keys.has(ruleKey(row)))
      throw conflict('SecurityGroupRuleExists', `Security group rule already exists. Rule id is ${row.id}.`);

  const rows: SecurityGroupRuleRow[] = parsed.map(({ rule, description }) => ({
    ...newStandardColumns(randomUUID(), projectId, description),
    ...rule,
  }));
  await trx.insertInto('security_group_rules').values(rows).execute();
  await bumpGroup(trx, groupId);
  return rows;
}

async function bumpGroup(trx: NetworkDb, groupId: string): Promise<void> {
  const group = await trx
    .selectFrom('security_groups')
    .select('revision_number')
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (group) await trx.updateTable('security_groups').set(bumped(group)).where('id', '=', groupId).execute();
}

function rawQuery(req: FastifyRequest): string {
  return req.url.split('?')[1] ?? '';
}
