import type { CheckSubject, PolicyNode, Substitution, Template } from './parse.ts';

/**
 * Evaluates a parsed check against a target and the caller's credentials, with oslo.policy's semantics.
 *
 * Target: a nested object. `%(a.b.c)s` reads `target.a.b.c`; Keystone flattens its target dict to dotted keys before
 * formatting, and walking the nested object reaches the same leaf. A key that itself contains dots
 * (`{'target.user.id': x}`, the flattened form) is also accepted. So Keystone's `%(target.user.domain_id)s` wants
 * `{ target: { user: { domain_id } } }`, and `%(user_id)s` wants a top-level `user_id` (Keystone puts the URL's path
 * parameters at the top level). A missing key, or one that leads to an object or array, makes the check false.
 *
 * Creds: a nested object such as `{ user_id, project_id, domain_id, roles: ['member'], system_scope: 'all',
 * token: { domain: { id } } }`. The left side of `key:match` is a dotted path into it; an array met on the way matches
 * if any element does (so `roles:admin` works too). A leaf that is absent or null reads as Python's `None`, because
 * Keystone always sends user_id, project_id, domain_id and system_scope, set to None when unscoped: `not domain_id:None`
 * must not pass for a caller who merely left `domain_id` out. A missing object half-way along the path fails.
 *
 * Values compare as Python's `str()` would print them: true → 'True', false → 'False', null → 'None', 3 → '3'.
 * Evaluation never throws for missing data and allocates nothing for matches without substitutions.
 */

/** Evaluates `rule:<name>`; the enforcer supplies it so references resolve through its own table. */
export type RuleLookup = (name: string, target: object, creds: object) => boolean;

export function evaluate(node: PolicyNode, target: object, creds: object, rule: RuleLookup): boolean {
  switch (node.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'rule':
      return rule(node.name, target, creds);
    case 'role':
      return hasRole(creds, node.role, target);
    case 'generic':
      return genericCheck(node.subject, node.match, target, creds);
    case 'not':
      return !evaluate(node.operand, target, creds, rule);
    case 'and':
      for (const operand of node.operands) if (!evaluate(operand, target, creds, rule)) return false;
      return true;
    case 'or':
      for (const operand of node.operands) if (evaluate(operand, target, creds, rule)) return true;
      return false;
  }
}

function hasRole(creds: object, role: Template, target: object): boolean {
  const roles = (creds as { roles?: unknown }).roles;
  if (!Array.isArray(roles)) return false;
  let wanted: string | undefined;
  if (typeof role === 'string') wanted = role;
  else {
    const substituted = substitute(role, target);
    if (substituted === undefined) return false;
    wanted = substituted.toLowerCase();
  }
  for (const r of roles) if (typeof r === 'string' && r.toLowerCase() === wanted) return true;
  return false;
}

function genericCheck(subject: CheckSubject, match: Template, target: object, creds: object): boolean {
  const expected = typeof match === 'string' ? match : substitute(match, target);
  if (expected === undefined) return false;
  if (subject.kind === 'literal') return subject.value === expected;
  return findInCreds(creds, subject.path, 0, expected);
}

function findInCreds(value: unknown, path: readonly string[], i: number, expected: string): boolean {
  if (i === path.length) return pythonStr(value ?? null) === expected;
  if (value === null || typeof value !== 'object') return false;
  const key = path[i];
  const next = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  if (next === undefined && i < path.length - 1) return false;
  if (Array.isArray(next)) {
    for (const element of next) if (findInCreds(element, path, i + 1, expected)) return true;
    return false;
  }
  return findInCreds(next, path, i + 1, expected);
}

/** Python's `%`-formatting of the template against the target; undefined where oslo would hit a KeyError. */
function substitute(template: readonly (string | Substitution)[], target: object): string | undefined {
  // One hole and nothing else is the usual shape (`%(target.project.id)s`): return the value without concatenating.
  if (template.length === 1) {
    const only = template[0];
    return typeof only === 'string' ? only : lookupTarget(target, only);
  }
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else {
      const value = lookupTarget(target, part);
      if (value === undefined) return undefined;
      out += value;
    }
  }
  return out;
}

function lookupTarget(target: object, sub: Substitution): string | undefined {
  let value: unknown;
  if (sub.path.length > 1 && Object.hasOwn(target, sub.key)) value = (target as Record<string, unknown>)[sub.key];
  else {
    value = target;
    for (const segment of sub.path) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return value === undefined ? undefined : pythonStr(value);
}

function pythonStr(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
    case 'bigint':
      return String(value);
    default:
      return value === null ? 'None' : undefined;
  }
}
