import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { Enforcer, type PolicyRule } from '../../../src/core/policy/enforcer.ts';
import { PolicyParseError } from '../../../src/core/policy/parse.ts';

const member = { user_id: 'u1', project_id: 'p1', domain_id: null, roles: ['Member', 'reader'] };

/** Authorizes one ad-hoc check string under the name `x`. */
function check(rule: string, target: object, creds: object, extra: PolicyRule[] = []): boolean {
  return new Enforcer([...extra, { name: 'x', check: rule }]).authorize('x', target, creds);
}

test('role checks', () => {
  const cases = [
    { rule: 'role:member', creds: member, want: true, why: 'case-insensitive' },
    { rule: 'role:MEMBER', creds: member, want: true, why: 'case-insensitive on the rule side too' },
    { rule: 'role:admin', creds: member, want: false, why: 'role not held' },
    { rule: 'role:member', creds: { user_id: 'u1' }, want: false, why: 'no roles key' },
    { rule: 'role:member', creds: { roles: 'member' }, want: false, why: 'roles not a list' },
    { rule: 'role:%(target.role.name)s', target: { target: { role: { name: 'READER' } } }, creds: member, want: true },
    { rule: 'role:%(target.role.name)s', target: {}, creds: member, want: false, why: 'missing substitution' },
  ];
  for (const c of cases) assert.equal(check(c.rule, c.target ?? {}, c.creds), c.want, `${c.rule}: ${c.why ?? ''}`);
});

test('generic checks and substitution', () => {
  const creds = {
    ...member,
    system_scope: 'all',
    is_admin_project: true,
    token: { domain: { id: 'd1' }, project: { domain: { id: 'd2' } } },
    groups: [{ id: 'g1' }, { id: 'g2' }],
  };
  const cases: { rule: string; target?: object; want: boolean; why?: string }[] = [
    { rule: 'project_id:%(project_id)s', target: { project_id: 'p1' }, want: true },
    { rule: 'project_id:%(project_id)s', target: { project_id: 'p2' }, want: false },
    { rule: 'project_id:%(project_id)s', target: {}, want: false, why: 'missing target key' },
    { rule: 'project_id:%(target.project.id)s', target: { target: { project: { id: 'p1' } } }, want: true },
    { rule: 'project_id:%(target.project.id)s', target: { 'target.project.id': 'p1' }, want: true, why: 'flat' },
    { rule: 'project_id:%(target.project)s', target: { target: { project: { id: 'p1' } } }, want: false },
    { rule: 'project_id:%(target.project.id)s', target: { target: null }, want: false },
    { rule: 'system_scope:all', want: true },
    { rule: 'token.domain.id:%(target.domain.id)s', target: { target: { domain: { id: 'd1' } } }, want: true },
    { rule: 'token.project.domain.id:%(target.domain.id)s', target: { target: { domain: { id: 'd2' } } }, want: true },
    { rule: 'token.system.all:True', want: false, why: 'missing intermediate object' },
    { rule: 'is_admin_project:True', want: true, why: 'booleans read as Python prints them' },
    { rule: "'True':%(is_admin)s", target: { is_admin: true }, want: true },
    { rule: "'True':%(is_admin)s", target: { is_admin: false }, want: false },
    { rule: 'True:%(enabled)s', target: { enabled: true }, want: true },
    { rule: "'member':%(target.role.name)s", target: { target: { role: { name: 'member' } } }, want: true },
    { rule: "'member':%(target.role.name)s", target: { target: { role: { name: 'admin' } } }, want: false },
    { rule: 'None:%(target.role.domain_id)s', target: { target: { role: { domain_id: null } } }, want: true },
    { rule: 'None:%(target.role.domain_id)s', target: { target: { role: {} } }, want: false, why: 'absent ≠ null' },
    { rule: 'domain_id:None', want: true, why: 'null creds value is None' },
    { rule: 'user_domain_id:None', want: true, why: 'absent creds value is None, as Keystone always sends it' },
    { rule: 'groups.id:g2', want: true, why: 'lists match any element' },
    { rule: 'roles:reader', want: true },
    { rule: 'count:%(n)s', target: { n: 3 }, want: false },
    { rule: '3:%(n)s', target: { n: 3 }, want: true },
    { rule: 'user_id:%(a)s%(b)s', target: { a: 'u', b: 1 }, want: true, why: 'two holes' },
    { rule: 'user_id:%(a)s%(b)s', target: { a: 'u' }, want: false },
    { rule: 'constructor:%(x)s', target: { x: 'function Object() { [native code] }' }, want: false },
  ];
  for (const c of cases) assert.equal(check(c.rule, c.target ?? {}, creds), c.want, `${c.rule}: ${c.why ?? ''}`);
});

test('boolean operators, precedence and parentheses', () => {
  const cases = [
    { rule: '@', want: true },
    { rule: '!', want: false },
    { rule: '', want: true },
    { rule: 'role:member and role:reader', want: true },
    { rule: 'role:member and role:admin', want: false },
    { rule: 'role:admin or role:reader', want: true },
    { rule: 'not role:admin', want: true },
    { rule: 'not role:member', want: false },
    { rule: 'role:admin and role:x or role:member', want: true, why: '(admin and x) or member' },
    { rule: 'role:member or role:x and role:admin', want: true, why: 'member or (x and admin)' },
    { rule: '(role:member or role:x) and role:admin', want: false },
    { rule: 'not role:admin and role:member', want: true, why: '(not admin) and member' },
    { rule: 'not (role:admin or role:member)', want: false },
  ];
  for (const c of cases) assert.equal(check(c.rule, {}, member), c.want, `${c.rule}: ${c.why ?? ''}`);
});

test('rule references resolve through the same table; unknown names deny', () => {
  const rules: PolicyRule[] = [
    { name: 'admin_required', check: 'role:admin' },
    { name: 'owner', check: 'user_id:%(user_id)s' },
    { name: 'admin_or_owner', check: 'rule:admin_required or rule:owner' },
    { name: 'uses_missing', check: 'rule:does_not_exist or rule:owner' },
    { name: 'only_missing', check: 'rule:does_not_exist' },
  ];
  const enforcer = new Enforcer(rules);
  assert.equal(enforcer.authorize('admin_or_owner', { user_id: 'u1' }, member), true);
  assert.equal(enforcer.authorize('admin_or_owner', { user_id: 'u2' }, member), false);
  assert.equal(enforcer.authorize('admin_or_owner', { user_id: 'u2' }, { ...member, roles: ['admin'] }), true);
  assert.equal(enforcer.authorize('uses_missing', { user_id: 'u1' }, member), true);
  assert.equal(enforcer.authorize('only_missing', {}, member), false);
  assert.equal(enforcer.authorize('no:such:rule', {}, member), false);
  assert.equal(enforcer.has('owner'), true);
  assert.equal(enforcer.has('no:such:rule'), false);
});

test('reference cycles deny that branch instead of overflowing the stack', () => {
  const enforcer = new Enforcer([
    { name: 'self', check: 'rule:self' },
    { name: 'a', check: 'rule:b' },
    { name: 'b', check: 'rule:a' },
    { name: 'c', check: 'rule:d or role:member' },
    { name: 'd', check: 'rule:c' },
    { name: 'e', check: 'not rule:e' },
  ]);
  assert.equal(enforcer.authorize('self', {}, member), false);
  assert.equal(enforcer.authorize('a', {}, member), false);
  assert.equal(enforcer.authorize('c', {}, member), true, 'the non-cyclic branch still decides');
  assert.equal(enforcer.authorize('d', {}, member), true);
  assert.equal(enforcer.authorize('e', {}, member), true, 'the inner reference reads false, so not → true');
  // The guard is released after each call, so repeated calls give the same answers.
  assert.equal(enforcer.authorize('c', {}, member), true);
});

test('a rule that is referenced twice in one expression is not mistaken for a cycle', () => {
  const enforcer = new Enforcer([
    { name: 'm', check: 'role:member' },
    { name: 'x', check: 'rule:m and rule:m and (rule:m or !)' },
  ]);
  assert.equal(enforcer.authorize('x', {}, member), true);
});

test('construction rejects an unparsable rule, naming it', () => {
  assert.throws(() => new Enforcer([{ name: 'identity:broken', check: 'role:admin or' }]), PolicyParseError);
  assert.throws(() => new Enforcer([], { 'identity:bad_override': '(role:admin' }), /identity:bad_override/);
});

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-policy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const defaults: PolicyRule[] = [
  { name: 'admin_required', check: 'role:admin' },
  { name: 'identity:get_thing', check: 'rule:admin_required' },
];

test('overrides from YAML and JSON files replace defaults and may add rules', async (t) => {
  const dir = await tempDir(t);
  const cases = [
    {
      file: 'policy.yaml',
      text: '# operators keep comments here\n"identity:get_thing": "role:reader or rule:custom"\ncustom: "role:auditor"\n',
    },
    { file: 'policy.json', text: JSON.stringify({ 'identity:get_thing': 'role:reader or rule:custom', custom: '!' }) },
  ];
  for (const c of cases) {
    const path = join(dir, c.file);
    await writeFile(path, c.text);
    const enforcer = await Enforcer.fromFile(defaults, path);
    assert.equal(enforcer.authorize('identity:get_thing', {}, { roles: ['reader'] }), true, c.file);
    assert.equal(enforcer.authorize('identity:get_thing', {}, { roles: ['admin'] }), false, c.file);
    assert.equal(enforcer.authorize('admin_required', {}, { roles: ['admin'] }), true, c.file);
  }
});

test('a missing or comment-only policy file means the defaults', async (t) => {
  const dir = await tempDir(t);
  const empty = join(dir, 'empty.yaml');
  await writeFile(empty, '# nothing overridden\n');
  for (const path of [undefined, join(dir, 'absent.yaml'), empty]) {
    const enforcer = await Enforcer.fromFile(defaults, path);
    assert.equal(enforcer.authorize('identity:get_thing', {}, { roles: ['admin'] }), true, String(path));
    assert.equal(enforcer.authorize('identity:get_thing', {}, { roles: ['reader'] }), false, String(path));
  }
});

test('a malformed policy file is an error', async (t) => {
  const dir = await tempDir(t);
  const cases = [
    { file: 'bad.json', text: '{"x": ', error: /not valid JSON/ },
    { file: 'bad.yaml', text: 'x: [unclosed', error: /not valid YAML/ },
    { file: 'list.yaml', text: '- role:admin\n', error: /must be a mapping/ },
    { file: 'number.yaml', text: 'identity:get_thing: 3\n', error: /must be a check string/ },
    { file: 'syntax.yaml', text: 'identity:get_thing: "role:admin and"\n', error: /identity:get_thing/ },
  ];
  for (const c of cases) {
    const path = join(dir, c.file);
    await writeFile(path, c.text);
    await assert.rejects(Enforcer.fromFile(defaults, path), c.error, c.file);
  }
});
