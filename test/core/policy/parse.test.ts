import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyParseError, parseCheck } from '../../../src/core/policy/parse.ts';

test('parses the single checks', () => {
  const cases = [
    { check: '', want: { kind: 'always' } },
    { check: '   ', want: { kind: 'always' } },
    { check: '@', want: { kind: 'always' } },
    { check: '!', want: { kind: 'never' } },
    { check: 'role:Admin', want: { kind: 'role', role: 'admin' } },
    { check: 'rule:admin_required', want: { kind: 'rule', name: 'admin_required' } },
    {
      check: 'role:%(target.role.name)s',
      want: { kind: 'role', role: [{ key: 'target.role.name', path: ['target', 'role', 'name'] }] },
    },
    {
      check: 'system_scope:all',
      want: { kind: 'generic', subject: { kind: 'creds', path: ['system_scope'] }, match: 'all' },
    },
    {
      check: 'token.domain.id:%(target.domain.id)s',
      want: {
        kind: 'generic',
        subject: { kind: 'creds', path: ['token', 'domain', 'id'] },
        match: [{ key: 'target.domain.id', path: ['target', 'domain', 'id'] }],
      },
    },
    {
      check: "'member':%(target.role.name)s",
      want: {
        kind: 'generic',
        subject: { kind: 'literal', value: 'member' },
        match: [{ key: 'target.role.name', path: ['target', 'role', 'name'] }],
      },
    },
    {
      check: '"x":y',
      want: { kind: 'generic', subject: { kind: 'literal', value: 'x' }, match: 'y' },
    },
    {
      check: 'True:%(enabled)s',
      want: {
        kind: 'generic',
        subject: { kind: 'literal', value: 'True' },
        match: [{ key: 'enabled', path: ['enabled'] }],
      },
    },
    { check: 'is_admin:1', want: { kind: 'generic', subject: { kind: 'creds', path: ['is_admin'] }, match: '1' } },
    {
      check: 'name:a-%(x)s-100%%',
      want: {
        kind: 'generic',
        subject: { kind: 'creds', path: ['name'] },
        match: ['a-', { key: 'x', path: ['x'] }, '-100%'],
      },
    },
    {
      check: 'url:http://x:1',
      want: { kind: 'generic', subject: { kind: 'creds', path: ['url'] }, match: 'http://x:1' },
    },
  ];
  for (const c of cases) assert.deepEqual(parseCheck(c.check), c.want, c.check);
});

/** Renders a tree back as fully parenthesised text so precedence cases read as one line each. */
function show(check: string): string {
  const render = (n: ReturnType<typeof parseCheck>): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${n.operands.map(render).join(` ${n.kind} `)})`;
      case 'not':
        return `not ${render(n.operand)}`;
      case 'rule':
        return n.name;
      case 'always':
        return '@';
      case 'never':
        return '!';
      default:
        return '?';
    }
  };
  return render(parseCheck(check));
}

test('precedence is not > and > or, and parentheses override it', () => {
  const cases = [
    { check: 'rule:a or rule:b and rule:c', want: '(a or (b and c))' },
    { check: 'rule:a and rule:b or rule:c', want: '((a and b) or c)' },
    { check: 'rule:a and rule:b or rule:c and rule:d', want: '((a and b) or (c and d))' },
    { check: 'not rule:a and rule:b', want: '(not a and b)' },
    { check: 'not rule:a or rule:b', want: '(not a or b)' },
    { check: 'not (rule:a or rule:b)', want: 'not (a or b)' },
    { check: 'not not rule:a', want: 'not not a' },
    { check: '(rule:a or rule:b) and rule:c', want: '((a or b) and c)' },
    { check: '((rule:a))', want: 'a' },
    { check: '( rule:a or rule:b ) and rule:c', want: '((a or b) and c)' },
    { check: 'rule:a OR rule:b AND NOT rule:c', want: '(a or (b and not c))' },
    { check: 'rule:a or rule:b or rule:c', want: '(a or b or c)' },
    { check: '@ and !', want: '(@ and !)' },
  ];
  for (const c of cases) assert.equal(show(c.check), c.want, c.check);
});

test('keeps the parentheses inside a substitution', () => {
  assert.deepEqual(parseCheck('(project_id:%(project_id)s)'), {
    kind: 'generic',
    subject: { kind: 'creds', path: ['project_id'] },
    match: [{ key: 'project_id', path: ['project_id'] }],
  });
});

test('rejects malformed checks with the rule name in the error', () => {
  const cases = [
    { check: 'role:admin or', problem: /ends where a check was expected/ },
    { check: 'and role:admin', problem: /unexpected "and"/ },
    { check: '(role:admin', problem: /missing "\)"/ },
    { check: 'role:admin)', problem: /unexpected "\)"/ },
    { check: '()', problem: /unexpected "\)"/ },
    { check: 'role:a role:b', problem: /unexpected "role:b"/ },
    // Like oslo, only leading "(" and trailing ")" are split off a word, so ")and" is one (bad) token.
    { check: '(role:a or role:b)and role:c', problem: /missing "\)"/ },
    { check: 'admin', problem: /not a check/ },
    { check: "'quoted'", problem: /bare quoted string/ },
    { check: 'rule:', problem: /must name a rule/ },
    { check: ':x', problem: /nothing before ":"/ },
    { check: 'project_id:%(project_id)d', problem: /not of the form/ },
    { check: 'project_id:%(project_id', problem: /not of the form/ },
    { check: 'quota:50%', problem: /must start/ },
    { check: 'http://example.com/check', problem: /not supported/ },
  ];
  for (const c of cases) {
    assert.throws(
      () => parseCheck(c.check, 'identity:example'),
      (err: unknown) => {
        assert.ok(err instanceof PolicyParseError, c.check);
        assert.equal(err.rule, 'identity:example');
        assert.equal(err.check, c.check);
        assert.match(err.message, /identity:example/);
        assert.match(err.message, c.problem, c.check);
        return true;
      },
    );
  }
});
