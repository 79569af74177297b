import { BadRequest } from '../core/errors.ts';
import { queryFlag } from './rows.ts';

/**
 * Keystone's list "hints": for each filter a list supports, `?name=x` is an exact match and `?name__icontains=x`
 * (contains, startswith, endswith, equals; an `i` prefix ignores case) an inexact one. Query keys that name no
 * supported filter are ignored, as Keystone ignores them.
 */
export interface Hint {
  key: string;
  value: string;
  comparator: 'equals' | 'contains' | 'startswith' | 'endswith';
  caseSensitive: boolean;
}

const COMPARATORS = new Set(['equals', 'contains', 'startswith', 'endswith']);

export function hintsFrom(query: Record<string, unknown>, supported: readonly string[]): Hint[] {
  const hints: Hint[] = [];
  for (const [key, raw] of Object.entries(query)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value !== 'string') continue;
      if (supported.includes(key)) {
        hints.push({ key, value, comparator: 'equals', caseSensitive: true });
        continue;
      }
      const at = key.indexOf('__');
      if (at < 0 || !supported.includes(key.slice(0, at))) continue;
      let comparator = key.slice(at + 2);
      const caseSensitive = !comparator.startsWith('i');
      if (!caseSensitive) comparator = comparator.slice(1);
      // Keystone's SQL layer skips comparators it does not know rather than failing the list.
      if (COMPARATORS.has(comparator))
        hints.push({ key: key.slice(0, at), value, comparator: comparator as Hint['comparator'], caseSensitive });
    }
  }
  return hints;
}

/** The exact value of a filter, when the query gave one (for narrowing the SQL before the in-memory pass). */
export const exactHint = (hints: readonly Hint[], key: string): string | undefined =>
  hints.find((h) => h.key === key && h.comparator === 'equals' && h.caseSensitive)?.value;

/**
 * The views a list answers with: a domain-scoped caller sees its own domain's rows only, whatever it asked for,
 * and the hints then filter the views (they compare what the client sees, `enabled` as a boolean for instance).
 */
export function visibleViews<R extends { domain_id: string }, V extends Record<string, unknown>>(
  rows: readonly R[],
  callerDomainId: string | undefined,
  view: (row: R) => V,
  hints: readonly Hint[],
): V[] {
  return rows
    .filter((r) => !callerDomainId || r.domain_id === callerDomainId)
    .map((r) => view(r))
    .filter((v) => matchesHints(v, hints));
}

/** True when the entity passes every hint; `password_expires_at` uses Keystone's `op:timestamp` form. */
export function matchesHints(entity: Record<string, unknown>, hints: readonly Hint[]): boolean {
  return hints.every((h) => {
    const actual = entity[h.key];
    if (h.key === 'password_expires_at') return matchesExpiry(actual, h.value);
    if (typeof actual === 'boolean') return actual === queryFlag(h.value);
    if (actual === undefined || actual === null) return false;
    let a = String(actual);
    let v = h.value;
    if (!h.caseSensitive) {
      a = a.toLowerCase();
      v = v.toLowerCase();
    }
    switch (h.comparator) {
      case 'contains':
        return a.includes(v);
      case 'startswith':
        return a.startsWith(v);
      case 'endswith':
        return a.endsWith(v);
      default:
        return a === v;
    }
  });
}

const EXPIRY_OPS: Record<string, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
};

/** `lt:2016-12-08T22:02:00Z` (operator optional, `eq` by default); users whose password never expires never match. */
function matchesExpiry(actual: unknown, filter: string): boolean {
  const { op, at } = parseExpiryFilter(filter);
  if (typeof actual !== 'string') return false;
  const t = Date.parse(actual);
  return !Number.isNaN(t) && EXPIRY_OPS[op](t, at);
}

export function parseExpiryFilter(filter: string): { op: string; at: number } {
  // As Keystone: an operator is there when a colon sits at index 2 or 3 ("lt:" / "lte:").
  const colon = filter.indexOf(':');
  const hasOp = colon === 2 || colon === 3;
  const op = hasOp ? filter.slice(0, colon) : 'eq';
  const stamp = hasOp ? filter.slice(colon + 1) : filter;
  if (!Object.hasOwn(EXPIRY_OPS, op)) throw new BadRequest(`The given operator ${op} is not a valid operator.`);
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(stamp)
    ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(stamp) ? stamp : `${stamp}Z`)
    : Number.NaN;
  if (Number.isNaN(at)) throw new BadRequest('Timestamp not in expected format. Use YYYY-MM-DDTHH:mm:ssZ.');
  return { op, at };
}

/** Validates every expiry filter up front so a bad one is a 400 even when no user is there to compare. */
export function checkExpiryHints(hints: readonly Hint[]): void {
  for (const h of hints) if (h.key === 'password_expires_at') parseExpiryFilter(h.value);
}

/** The query string of a request URL as received (all after the first '?'), for `links.self`: Keystone echoes it. */
export const rawQuery = (url: string): string | undefined => {
  const i = url.indexOf('?');
  return i < 0 ? undefined : url.slice(i + 1) || undefined;
};
