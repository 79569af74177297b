import { badRequest, CODES } from './errors.ts';
import type { PlacementVersion } from './microversion.ts';

/** A query string as Fastify parses it: a repeated key becomes an array. */
export type Query = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID.test(s);

/** Placement stores uuids dashed and lower case whichever form the client sent. */
export function normalizeUuid(s: string): string {
  const hex = s.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Placement's query schemas forbid unknown keys; which keys exist depends on the microversion. */
export function assertQueryKeys(query: Query, allowed: readonly string[]): void {
  for (const key of Object.keys(query))
    if (!allowed.includes(key))
      throw badRequest(
        `Invalid query string parameters: Additional properties are not allowed ('${key}' was unexpected)`,
      );
}

/** The one value of a key that may not repeat. */
export function single(query: Query, key: string): string | undefined {
  const v = query[key];
  if (Array.isArray(v)) throw badRequest(`Query parameter '${key}' may only be given once.`, CODES.duplicateQueryKey);
  return v;
}

export const all = (query: Query, key: string): string[] => {
  const v = query[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** `VCPU:1,MEMORY_MB:512` → {VCPU: 1, MEMORY_MB: 512}. */
export function parseResources(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const malformed = () =>
    badRequest(
      `Badly formed resources parameter. Expected resources query string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: ${text}.`,
      CODES.queryBadValue,
    );
  if (text.trim() === '') throw malformed();
  for (const part of text.split(',')) {
    const m = /^([A-Z0-9_]+):(.*)$/.exec(part.trim());
    if (!m) throw malformed();
    const [, rc, amountText] = m;
    if (!/^\d+$/.test(amountText) || Number(amountText) < 1 || !Number.isSafeInteger(Number(amountText)))
      throw badRequest(
        `Requested resource ${rc} expected positive integer amount. Got: ${amountText}.`,
        CODES.queryBadValue,
      );
    if (rc in out) throw badRequest(`Resource class ${rc} given more than once in resources.`, CODES.queryBadValue);
    out[rc] = Number(amountText);
  }
  return out;
}

/** Traits a provider must have (`all`), must not have (`forbidden`, 1.22 `!T`) and needs one of (1.39 `in:A,B`). */
export interface TraitSpec {
  all: string[];
  forbidden: string[];
  anyOf: string[][];
}

export function parseRequired(values: readonly string[], v: PlacementVersion): TraitSpec {
  const spec: TraitSpec = { all: [], forbidden: [], anyOf: [] };
  for (const value of values) {
    const bad = () =>
      badRequest(
        `Invalid query string parameters: Expected 'required' parameter value of the form: HW_CPU_X86_VMX,!CUSTOM_MAGIC. Got: ${value}`,
        CODES.queryBadValue,
      );
    if (v.atLeast('1.39') && value.startsWith('in:')) {
      const names = value.slice(3).split(',');
      if (names.some((n) => !/^[A-Z0-9_]+$/.test(n))) throw bad();
      spec.anyOf.push(names);
      continue;
    }
    for (const raw of value.split(',')) {
      const forbidden = raw.startsWith('!') && v.atLeast('1.22');
      const name = forbidden ? raw.slice(1) : raw;
      if (!/^[A-Z0-9_]+$/.test(name)) throw bad();
      (forbidden ? spec.forbidden : spec.all).push(name);
    }
  }
  return spec;
}

export const traitNames = (s: TraitSpec) => [...s.all, ...s.forbidden, ...s.anyOf.flat()];

/** Aggregates a provider must be in one of, per group (`in:a,b` or `a`), and (1.32 `!`) must not be in. */
export interface MemberOfSpec {
  anyOf: string[][];
  forbidden: string[];
}

export function parseMemberOf(values: readonly string[], v: PlacementVersion): MemberOfSpec {
  if (values.length > 1 && !v.atLeast('1.24'))
    throw badRequest(`Query parameter 'member_of' may only be given once.`, CODES.duplicateQueryKey);
  const spec: MemberOfSpec = { anyOf: [], forbidden: [] };
  for (const value of values) {
    const negative = value.startsWith('!') && v.atLeast('1.32');
    let rest = negative ? value.slice(1) : value;
    const list = rest.startsWith('in:');
    if (list) rest = rest.slice(3);
    const uuids = rest.split(',');
    if (uuids.some((u) => !isUuid(u)) || (!list && uuids.length > 1 && !negative))
      throw badRequest(
        `Invalid query string parameters: Expected 'member_of' parameter to contain valid UUID(s). Got: ${value}`,
        CODES.queryBadValue,
      );
    if (negative) spec.forbidden.push(...uuids);
    else spec.anyOf.push(uuids);
  }
  return spec;
}

/** A positive integer query value (limit). */
export function positiveInt(value: string): number {
  if (!/^[1-9]\d*$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw badRequest(
      `Invalid query string parameters: '${value}' does not match '^[1-9]([0-9]+)?$'`,
      CODES.queryBadValue,
    );
  return Number(value);
}
