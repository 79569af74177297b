import type { FastifyRequest } from 'fastify';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { enforceRule, expect, isUuid, type NeutronCall, neutronAsCaller, visibleInstance } from '../neutron-proxy.ts';
import {
  type GroupNames,
  groupView,
  missingRemoteGroups,
  type NeutronGroup,
  namesOf,
  ruleView,
} from '../security-group-proxy-view.ts';
import { neutronRuleOf } from '../security-group-rule-args.ts';
import { proxyGone } from './images-proxy.ts';

type IdParams = { id: string };
const P = 'os_compute_api:os-security-groups';
const notFoundMsg = (id: string) => `Security group ${id} not found.`;

/**
 * os-security-groups, os-security-group-rules and /servers/{id}/os-security-groups (≤ 2.35): Neutron's
 * security groups in Nova's 2.1 shape, each call made with the caller's token.
 */
export function securityGroupsProxyRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const begin = (req: FastifyRequest, rule: string) => {
    if (!req.microversion.atMost('2.35')) throw proxyGone();
    enforceRule(req, `${P}:${rule}`, { project_id: req.ctx.requireAuth().projectId });
    return neutronAsCaller(deps, req);
  };
  const checkId = (id: string) => {
    if (!isUuid(id)) throw badRequest('Security group id should be uuid');
  };

  app.get('/v2.1/os-security-groups', async (req) => {
    const neutron = begin(req, 'get');
    const query = req.query as Record<string, string>;
    const allTenants = query.all_tenants !== undefined && req.ctx.allowed('context_is_admin');
    const projectId = req.ctx.requireAuth().projectId ?? '';
    const path = allTenants ? '/v2.0/security-groups' : `/v2.0/security-groups?project_id=${projectId}`;
    const groups = expect(await neutron('GET', path), [200], 'Security groups not found.').body
      .security_groups as NeutronGroup[];
    const names = await withRemoteNames(neutron, groups, namesOf(groups));
    return { security_groups: groups.map((g) => groupView(g, names)) };
  });

  app.get<{ Params: IdParams }>('/v2.1/os-security-groups/:id', async (req) => {
    const neutron = begin(req, 'show');
    checkId(req.params.id);
    const group = await showGroup(neutron, req.params.id);
    return { security_group: groupView(group, await withRemoteNames(neutron, [group], namesOf([group]))) };
  });

  app.post('/v2.1/os-security-groups', async (req) => {
    const neutron = begin(req, 'create');
    const { name, description } = groupInput(req.body, true);
    const res = expect(
      await neutron('POST', '/v2.0/security-groups', { security_group: { name, description: description ?? '' } }),
      [201],
      'Security group not found.',
    );
    const group = res.body.security_group as NeutronGroup;
    return { security_group: groupView(group, namesOf([group])) };
  });

  app.put<{ Params: IdParams }>('/v2.1/os-security-groups/:id', async (req) => {
    const neutron = begin(req, 'update');
    checkId(req.params.id);
    const { name, description } = groupInput(req.body, false);
    const change: Record<string, string> = {};
    if (name !== undefined) change.name = name;
    if (description !== undefined) change.description = description;
    const res = expect(
      await neutron('PUT', `/v2.0/security-groups/${req.params.id}`, { security_group: change }),
      [200],
      notFoundMsg(req.params.id),
    );
    const group = res.body.security_group as NeutronGroup;
    return { security_group: groupView(group, await withRemoteNames(neutron, [group], namesOf([group]))) };
  });

  app.delete<{ Params: IdParams }>('/v2.1/os-security-groups/:id', async (req, reply) => {
    const neutron = begin(req, 'delete');
    checkId(req.params.id);
    expect(await neutron('DELETE', `/v2.0/security-groups/${req.params.id}`), [204], notFoundMsg(req.params.id));
    return reply.code(202).send();
  });

  app.post('/v2.1/os-security-group-rules', async (req) => {
    const neutron = begin(req, 'rule:create');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = body.security_group_rule;
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw badRequest('Missing parameter security_group_rule');
    const args = input as Record<string, unknown>;
    const parent = String(args.parent_group_id ?? '');
    checkId(parent);
    const parentGroup = await showGroup(neutron, parent);
    let remote: NeutronGroup | undefined;
    if (args.group_id !== undefined && args.group_id !== null) {
      checkId(String(args.group_id));
      remote = await showGroup(neutron, String(args.group_id));
    }
    const rule = neutronRuleOf(args, parent);
    const res = expect(
      await neutron('POST', '/v2.0/security-group-rules', { security_group_rule: rule }),
      [201],
      notFoundMsg(parent),
    );
    const names = namesOf(remote ? [parentGroup, remote] : [parentGroup]);
    return { security_group_rule: ruleView(res.body.security_group_rule, names) };
  });

  app.delete<{ Params: IdParams }>('/v2.1/os-security-group-rules/:id', async (req, reply) => {
    const neutron = begin(req, 'rule:delete');
    if (!isUuid(req.params.id)) throw badRequest('Security group id should be uuid');
    expect(
      await neutron('DELETE', `/v2.0/security-group-rules/${req.params.id}`),
      [204],
      `Rule (${req.params.id}) not found`,
    );
    return reply.code(202).send();
  });

  app.get<{ Params: IdParams }>('/v2.1/servers/:id/os-security-groups', async (req) => {
    if (!req.microversion.atMost('2.35')) throw proxyGone();
    const instance = await visibleInstance(deps, req, req.params.id);
    enforceRule(req, `${P}:list`, { project_id: instance.project_id });
    const ports = await deps.network.request(
      {},
      'GET',
      `/v2.0/ports?device_id=${instance.uuid}&fields=id&fields=security_groups`,
    );
    const ids = [
      ...new Set((ports.body?.ports ?? []).flatMap((p: { security_groups: string[] }) => p.security_groups)),
    ];
    if (ids.length === 0) return { security_groups: [] };
    const query = ids.map((id) => `id=${id}`).join('&');
    const groups = (await deps.network.request({}, 'GET', `/v2.0/security-groups?${query}`)).body
      .security_groups as NeutronGroup[];
    const call: NeutronCall = (method, path, body) => deps.network.request({}, method, path, body);
    const names = await withRemoteNames(call, groups, namesOf(groups));
    return { security_groups: groups.map((g) => groupView(g, names)) };
  });
}

async function showGroup(neutron: NeutronCall, id: string): Promise<NeutronGroup> {
  return expect(await neutron('GET', `/v2.0/security-groups/${id}`), [200], notFoundMsg(id)).body.security_group;
}

/** Names of the remote groups the rules refer to that the listed groups do not include. */
async function withRemoteNames(neutron: NeutronCall, groups: NeutronGroup[], names: GroupNames): Promise<GroupNames> {
  const missing = missingRemoteGroups(groups, names);
  if (missing.length === 0) return names;
  const res = await neutron('GET', `/v2.0/security-groups?${missing.map((id) => `id=${id}`).join('&')}`);
  if (res.status === 200) for (const [id, n] of namesOf(res.body.security_groups)) names.set(id, n);
  return names;
}

/** Nova's checks of a group's name and description: strings of at most 255 characters, the name not blank. */
function groupInput(body: unknown, creating: boolean): { name?: string; description?: string } {
  const group = (body as Record<string, unknown> | null)?.security_group;
  if (!group || typeof group !== 'object' || Array.isArray(group)) throw badRequest('Missing parameter security_group');
  const { name, description } = group as Record<string, unknown>;
  const check = (value: unknown, property: string, required: boolean) => {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string') throw badRequest(`Security group ${property} is not a string or unicode`);
    // Checked stripped, kept as given (Tempest compares the name it sent, spaces and all).
    const v = value.trim();
    if (property === 'name' && v.length === 0) throw badRequest(`Security group ${property} cannot be empty.`);
    if (v.length > 255) throw badRequest(`Security group ${property} should not be greater than 255 characters.`);
    return value;
  };
  return {
    name: check(name, 'name', creating),
    description: check(description ?? (creating ? '' : undefined), 'description', false),
  };
}
