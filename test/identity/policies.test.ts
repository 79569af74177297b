import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Enforcer } from '../../src/core/policy/enforcer.ts';
import { type PolicyNode, parseCheck } from '../../src/core/policy/parse.ts';
import { identityPolicies } from '../../src/identity/policies.ts';

/** Creds shaped as Keystone builds them, for a token scoped to a project, a domain, or the system. */
function creds(opts: { user: string; roles: string[]; project?: string; domain?: string; system?: boolean }) {
  return {
    user_id: opts.user,
    user_domain_id: 'default',
    project_id: opts.project ?? null,
    project_domain_id: opts.project ? 'default' : null,
    domain_id: opts.domain ?? null,
    roles: opts.roles,
    system_scope: opts.system ? 'all' : null,
    token: {
      user_id: opts.user,
      project: opts.project ? { id: opts.project, domain: { id: 'default' } } : undefined,
      domain: opts.domain ? { id: opts.domain } : undefined,
    },
  };
}

const enforcer = new Enforcer(identityPolicies);
const admin = creds({ user: 'admin', roles: ['admin', 'member', 'reader'], project: 'admin-project' });
const memberOfP = creds({ user: 'alice', roles: ['member', 'reader'], project: 'P' });
const readerOfP = creds({ user: 'rita', roles: ['reader'], project: 'P' });
const systemReader = creds({ user: 'sam', roles: ['reader'], system: true });
const domainManager = creds({ user: 'dora', roles: ['manager', 'member', 'reader'], domain: 'd1' });
const service = creds({ user: 'nova', roles: ['service'], project: 'service' });

function referencedRules(node: PolicyNode, out: Set<string>): Set<string> {
  if (node.kind === 'rule') out.add(node.name);
  else if (node.kind === 'not') referencedRules(node.operand, out);
  else if (node.kind === 'and' || node.kind === 'or') for (const o of node.operands) referencedRules(o, out);
  return out;
}

test('every identity rule parses, is unique, and refers only to defined rules', () => {
  const names = new Set(identityPolicies.map((r) => r.name));
  assert.equal(names.size, identityPolicies.length, 'duplicate rule names');
  for (const rule of identityPolicies) {
    const node = parseCheck(rule.check, rule.name);
    for (const ref of referencedRules(node, new Set())) assert.ok(names.has(ref), `${rule.name} → rule:${ref}`);
  }
});

test('the rules the identity API enforces are all defined', () => {
  const expected = [
    'admin_required',
    'service_role',
    'service_or_admin',
    'owner',
    'admin_or_owner',
    'token_subject',
    'admin_or_token_subject',
    'service_admin_or_token_subject',
    'identity:get_user',
    'identity:list_users',
    'identity:create_user',
    'identity:list_user_projects',
    'identity:get_project',
    'identity:list_projects',
    'identity:create_project',
    'identity:create_project_tag',
    'identity:delete_project_tags',
    'identity:validate_token',
    'identity:check_token',
    'identity:revoke_token',
    'identity:get_auth_catalog',
    'identity:get_auth_projects',
    'identity:get_auth_domains',
    'identity:get_auth_system',
    'identity:list_role_assignments',
    'identity:create_application_credential',
    'identity:get_application_credential',
    'identity:list_access_rules',
    'identity:create_trust',
    'identity:get_region',
    'identity:create_endpoint',
    'identity:list_services',
    'identity:list_credentials',
    'identity:create_implied_role',
    'identity:list_implied_roles',
    'identity:list_role_inference_rules',
    'identity:create_domain_role',
    'identity:add_user_to_group',
    'identity:check_user_in_group',
    'identity:list_users_in_group',
    'identity:list_groups_for_user',
    'identity:create_grant',
    'identity:check_grant',
    'identity:list_grants',
    'identity:revoke_grant',
    'identity:list_system_grants_for_user',
    'identity:check_system_grant_for_user',
    'identity:create_system_grant_for_user',
    'identity:revoke_system_grant_for_user',
    'identity:list_system_grants_for_group',
    'identity:create_system_grant_for_group',
    'identity:get_limit_model',
    'identity:create_limits',
    'identity:create_registered_limits',
    'identity:get_domain',
  ];
  for (const name of expected) assert.ok(enforcer.has(name), name);
});

test('identity rules decide as Keystone does with the deprecated defaults still accepted', () => {
  const P = { id: 'P', domain_id: 'default' };
  const Q = { id: 'Q', domain_id: 'default' };
  const cases: { rule: string; who: object; target: object; want: boolean; why: string }[] = [
    {
      rule: 'identity:create_project',
      who: admin,
      target: { target: { project: { name: 'x' } } },
      want: true,
      why: 'admin',
    },
    {
      rule: 'identity:create_project',
      who: memberOfP,
      target: { target: { project: {} } },
      want: false,
      why: 'member',
    },
    {
      rule: 'identity:get_project',
      who: memberOfP,
      target: { project_id: 'P', target: { project: P } },
      want: true,
      why: 'own project',
    },
    {
      rule: 'identity:get_project',
      who: memberOfP,
      target: { project_id: 'Q', target: { project: Q } },
      want: false,
      why: 'other project',
    },
    {
      rule: 'identity:get_project',
      who: systemReader,
      target: { target: { project: Q } },
      want: true,
      why: 'system reader',
    },
    {
      rule: 'identity:create_user',
      who: readerOfP,
      target: { target: { user: { domain_id: 'default' } } },
      want: false,
      why: 'reader',
    },
    {
      rule: 'identity:create_user',
      who: admin,
      target: { target: { user: { domain_id: 'default' } } },
      want: true,
      why: 'admin',
    },
    {
      rule: 'identity:create_user',
      who: domainManager,
      target: { target: { user: { domain_id: 'd1' } } },
      want: true,
      why: 'manager, own domain',
    },
    {
      rule: 'identity:create_user',
      who: domainManager,
      target: { target: { user: { domain_id: 'd2' } } },
      want: false,
      why: 'manager, other domain',
    },
    {
      rule: 'identity:get_user',
      who: memberOfP,
      target: { user_id: 'alice', target: { user: { id: 'alice', domain_id: 'default' } } },
      want: true,
      why: 'self',
    },
    {
      rule: 'identity:get_user',
      who: memberOfP,
      target: { user_id: 'bob', target: { user: { id: 'bob', domain_id: 'default' } } },
      want: false,
      why: 'someone else',
    },
    { rule: 'identity:list_users', who: systemReader, target: {}, want: true, why: 'system reader' },
    { rule: 'identity:list_users', who: readerOfP, target: {}, want: false, why: 'project reader' },
    {
      rule: 'identity:get_application_credential',
      who: memberOfP,
      target: { user_id: 'alice' },
      want: true,
      why: 'own',
    },
    {
      rule: 'identity:get_application_credential',
      who: memberOfP,
      target: { user_id: 'bob' },
      want: false,
      why: "another user's",
    },
    {
      rule: 'identity:create_application_credential',
      who: memberOfP,
      target: { user_id: 'alice' },
      want: true,
      why: 'for self',
    },
    {
      rule: 'identity:create_application_credential',
      who: admin,
      target: { user_id: 'alice' },
      want: false,
      why: 'not even admin for another',
    },
    {
      rule: 'identity:validate_token',
      who: memberOfP,
      target: { target: { token: { user_id: 'alice' } } },
      want: true,
      why: 'subject',
    },
    {
      rule: 'identity:validate_token',
      who: memberOfP,
      target: { target: { token: { user_id: 'bob' } } },
      want: false,
      why: 'not subject',
    },
    {
      rule: 'identity:validate_token',
      who: service,
      target: { target: { token: { user_id: 'bob' } } },
      want: true,
      why: 'service',
    },
    {
      rule: 'identity:check_token',
      who: service,
      target: { target: { token: { user_id: 'bob' } } },
      want: false,
      why: 'service may validate, not check',
    },
    {
      rule: 'identity:revoke_token',
      who: memberOfP,
      target: { target: { token: { user_id: 'alice' } } },
      want: true,
      why: 'subject',
    },
    { rule: 'identity:get_auth_projects', who: memberOfP, target: {}, want: true, why: 'anyone authenticated' },
    { rule: 'identity:get_region', who: readerOfP, target: {}, want: true, why: 'open' },
    { rule: 'identity:create_region', who: memberOfP, target: {}, want: false, why: 'admin only' },
    { rule: 'identity:list_endpoints', who: systemReader, target: {}, want: true, why: 'system reader' },
    { rule: 'identity:list_endpoints', who: readerOfP, target: {}, want: false, why: 'project reader' },
    {
      rule: 'identity:create_trust',
      who: memberOfP,
      target: { target: { trust: { trustor_user_id: 'alice' } } },
      want: true,
      why: 'trustor',
    },
    {
      rule: 'identity:create_trust',
      who: memberOfP,
      target: { target: { trust: { trustor_user_id: 'bob' } } },
      want: false,
      why: 'not trustor',
    },
    {
      rule: 'identity:get_trust',
      who: memberOfP,
      target: { target: { trust: { trustor_user_id: 'bob', trustee_user_id: 'alice' } } },
      want: true,
      why: 'trustee',
    },
    {
      rule: 'identity:list_credentials',
      who: memberOfP,
      target: { target: { credential: { user_id: 'alice' } } },
      want: true,
      why: 'own',
    },
    { rule: 'identity:list_roles', who: domainManager, target: {}, want: true, why: 'domain manager' },
    {
      rule: 'identity:list_roles',
      who: creds({ user: 'm', roles: ['manager'], project: 'P' }),
      target: {},
      want: false,
      why: 'project manager',
    },
  ];
  for (const c of cases) assert.equal(enforcer.authorize(c.rule, c.target, c.who), c.want, `${c.rule}: ${c.why}`);
});

test('a domain manager grants only the roles it may hand out, inside its domain', () => {
  const grantTarget = (role: { name: string; domain_id: string | null }, userDomain: string) => ({
    target: { role, user: { id: 'u', domain_id: userDomain }, domain: { id: 'd1' } },
  });
  const cases = [
    { role: { name: 'member', domain_id: null }, userDomain: 'd1', want: true },
    { role: { name: 'reader', domain_id: null }, userDomain: 'd1', want: true },
    { role: { name: 'admin', domain_id: null }, userDomain: 'd1', want: false },
    { role: { name: 'member', domain_id: null }, userDomain: 'd2', want: false },
  ];
  for (const c of cases) {
    const target = grantTarget(c.role, c.userDomain);
    assert.equal(enforcer.authorize('identity:create_grant', target, domainManager), c.want, JSON.stringify(c));
  }
  assert.equal(
    enforcer.authorize('identity:create_grant', grantTarget({ name: 'admin', domain_id: null }, 'x'), admin),
    true,
  );
});
