/**
 * The plaintext inside a Keystone Fernet token: a msgpack array whose first element is the payload version.
 * Field order per version, as Keystone lays it out (U = user id, M = methods bitmask, E = expiry float
 * seconds, A = list of audit id bytes):
 *
 *   0 unscoped               [0, U, M, E, A]
 *   1 domain-scoped          [1, U, M, domain, E, A]         domain: 16 UUID bytes, else the id as a string
 *   2 project-scoped         [2, U, M, project, E, A]
 *   3 trust-scoped           [3, U, M, project, E, A, trust] trust: 16 UUID bytes, always
 *   8 system-scoped          [8, U, M, 'all', E, A]
 *   9 application credential [9, U, M, project, E, A, appCred]
 *
 * U, project and appCred are pairs: [true, 16 raw UUID bytes] for a UUID hex id, [false, string] otherwise.
 * Versions 4-7 and 10 (federation, OAuth1, OAuth2 mTLS) are not issued by Strata and read as invalid, as are
 * payloads written by msgpack < 1.0 (no bin type): Keystone tokens of that era have long expired.
 */

import { randomBytes } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { InvalidToken } from './fernet.ts';

export type TokenScope =
  | { kind: 'unscoped' }
  | { kind: 'project'; projectId: string }
  | { kind: 'domain'; domainId: string }
  | { kind: 'system' }
  | { kind: 'trust'; projectId: string; trustId: string }
  | { kind: 'application_credential'; projectId: string; appCredId: string };

export interface TokenPayload {
  userId: string;
  methods: string[];
  scope: TokenScope;
  /** ms since the epoch; the token stores float seconds, so precision finer than 1 ms is not kept. */
  expiresAt: number;
  /** One id, or two for a rescoped token: its own, then the audit chain id of the token it came from. */
  auditIds: string[];
}

/**
 * Bit 2^i is METHOD_BITS[i]. The first six are Keystone's default `[auth] methods` order, which is what
 * Keystone derives its bitmask from, so tokens interoperate with a default-configured Keystone. Later
 * entries are Strata's own: append only, never reorder, or live tokens change meaning.
 * (A Keystone deployment that lists its methods differently numbers them differently.)
 */
const METHOD_BITS: readonly string[] = [
  'external', // 1
  'password', // 2
  'token', // 4
  'oauth1', // 8
  'mapped', // 16
  'application_credential', // 32
  'totp', // 64
];

const VERSION = { unscoped: 0, domain: 1, project: 2, trust: 3, system: 8, application_credential: 9 } as const;
// Keystone's only system scope value.
const SYSTEM_ALL = 'all';
const UUID_HEX = /^[0-9a-f]{32}$/;
const AUDIT_ID = /^[A-Za-z0-9_-]{22}$/;

export function newAuditId(): string {
  return randomBytes(16).toString('base64url');
}

// ---- packing (our own input: a bad value is a Strata bug, so plain Errors) ----

function methodsToBits(methods: readonly string[]): number {
  let bits = 0;
  for (const m of methods) {
    const i = METHOD_BITS.indexOf(m);
    if (i < 0) throw new Error(`Auth method has no token bit: ${m}`);
    bits |= 1 << i;
  }
  return bits;
}

// Only lowercase dashless hex is packed as bytes: Keystone would accept other UUID spellings but hand them
// back normalised, and Strata ids must round-trip exactly.
function packId(id: string): [boolean, Uint8Array | string] {
  if (id.length === 0) throw new Error('Token ids must not be empty');
  return UUID_HEX.test(id) ? [true, Buffer.from(id, 'hex')] : [false, id];
}

function packUuid(id: string, what: string): Uint8Array {
  if (!UUID_HEX.test(id)) throw new Error(`${what} must be a UUID hex string: ${id}`);
  return Buffer.from(id, 'hex');
}

function packAuditIds(ids: readonly string[]): Uint8Array[] {
  if (ids.length < 1 || ids.length > 2) throw new Error(`A token carries 1 or 2 audit ids, got ${ids.length}`);
  return ids.map((id) => {
    const bytes = Buffer.from(id, 'base64url');
    if (!AUDIT_ID.test(id) || bytes.toString('base64url') !== id) throw new Error(`Bad audit id: ${id}`);
    return bytes;
  });
}

// Marks where the expiry goes in a field list; see packPayload.
const E = Symbol('expiry');

/** Field list after the version, in Keystone's order. */
function fields(p: TokenPayload): unknown[] {
  const head = [packId(p.userId), methodsToBits(p.methods)];
  const audit = packAuditIds(p.auditIds);
  const s = p.scope;
  switch (s.kind) {
    case 'unscoped':
      return [...head, E, audit];
    case 'domain':
      // Unlike the other ids, Keystone writes the domain bare, without the UUID flag pair.
      return [...head, packId(s.domainId)[1], E, audit];
    case 'project':
      return [...head, packId(s.projectId), E, audit];
    case 'trust':
      return [...head, packId(s.projectId), E, audit, packUuid(s.trustId, 'Trust id')];
    case 'system':
      return [...head, SYSTEM_ALL, E, audit];
    case 'application_credential':
      return [...head, packId(s.projectId), E, audit, packId(s.appCredId)];
  }
}

export function packPayload(p: TokenPayload): Uint8Array {
  if (!Number.isFinite(p.expiresAt)) throw new Error(`Bad token expiry: ${p.expiresAt}`);
  const items = [VERSION[p.scope.kind], ...fields(p)];
  // Built by hand so the expiry is always a float64 as Python writes it, even for whole seconds, while
  // every other number stays a compact int. At most 7 items, so a one-byte fixarray header suffices.
  const parts = items.map((item) =>
    item === E ? encode(p.expiresAt / 1000, { forceIntegerToFloat: true }) : encode(item),
  );
  return Buffer.concat([Uint8Array.of(0x90 | items.length), ...parts]);
}

// ---- unpacking (authenticated but still untrusted shape: anything odd is InvalidToken) ----

function bad(what: string): never {
  throw new InvalidToken(`Malformed token payload: ${what}`);
}

function isBytes(v: unknown, len?: number): v is Uint8Array {
  return v instanceof Uint8Array && (len === undefined || v.length === len);
}

function hex(v: Uint8Array): string {
  return Buffer.from(v).toString('hex');
}

function unpackId(v: unknown, what: string): string {
  if (!Array.isArray(v) || v.length !== 2) bad(what);
  const [asBytes, value] = v;
  if (asBytes === true && isBytes(value, 16)) return hex(value);
  if (asBytes === false && typeof value === 'string' && value.length > 0) return value;
  return bad(what);
}

function unpackUuid(v: unknown, what: string): string {
  return isBytes(v, 16) ? hex(v) : bad(what);
}

function unpackMethods(v: unknown): string[] {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v >= 2 ** METHOD_BITS.length) bad('methods');
  // Highest bit first, the order Keystone reports them in (a rescoped password token says token, password).
  const methods: string[] = [];
  for (let i = METHOD_BITS.length - 1; i >= 0; i--) if (v & (1 << i)) methods.push(METHOD_BITS[i]);
  return methods;
}

function unpackExpiry(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad('expiry');
  return Math.round(v * 1000);
}

function unpackAuditIds(v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > 2) bad('audit ids');
  return v.map((id) => (isBytes(id, 16) ? Buffer.from(id).toString('base64url') : bad('audit id')));
}

/** Field count after the version, per version. */
const ARITY: Record<number, number> = { 0: 4, 1: 5, 2: 5, 3: 6, 8: 5, 9: 6 };

export function unpackPayload(b: Uint8Array): TokenPayload {
  let items: unknown;
  try {
    items = decode(b);
  } catch (cause) {
    throw new InvalidToken('Token payload is not msgpack', { cause });
  }
  if (!Array.isArray(items) || items.length === 0) bad('not a list');
  const [version, ...f] = items;
  if (typeof version !== 'number' || ARITY[version] === undefined) bad(`unknown version ${String(version)}`);
  if (f.length !== ARITY[version]) bad(`wrong field count for version ${version}`);

  const userId = unpackId(f[0], 'user id');
  const methods = unpackMethods(f[1]);
  // Unscoped tokens have no scope field, which shifts expiry and audit ids one place left.
  const [expiresAt, auditIds] =
    version === VERSION.unscoped
      ? [unpackExpiry(f[2]), unpackAuditIds(f[3])]
      : [unpackExpiry(f[3]), unpackAuditIds(f[4])];
  return { userId, methods, scope: unpackScope(version, f), expiresAt, auditIds };
}

function unpackScope(version: number, f: unknown[]): TokenScope {
  switch (version) {
    case VERSION.unscoped:
      return { kind: 'unscoped' };
    case VERSION.domain: {
      const d = f[2];
      if (isBytes(d, 16)) return { kind: 'domain', domainId: hex(d) };
      return typeof d === 'string' && d.length > 0 ? { kind: 'domain', domainId: d } : bad('domain id');
    }
    case VERSION.project:
      return { kind: 'project', projectId: unpackId(f[2], 'project id') };
    case VERSION.trust:
      return { kind: 'trust', projectId: unpackId(f[2], 'project id'), trustId: unpackUuid(f[5], 'trust id') };
    case VERSION.system:
      return f[2] === SYSTEM_ALL ? { kind: 'system' } : bad('system scope');
    case VERSION.application_credential:
      return {
        kind: 'application_credential',
        projectId: unpackId(f[2], 'project id'),
        appCredId: unpackId(f[5], 'application credential id'),
      };
    default:
      return bad(`unknown version ${version}`);
  }
}
