import { BadRequest } from '../core/errors.ts';

/**
 * `expires_at` of application credentials and trusts. Stored as ISO-8601 UTC with microseconds and a Z
 * (`2030-01-02T03:04:05.123456Z`), which `Date.parse` reads and which keeps the microseconds a client sent:
 * Tempest compares the echoed value with its own Python `isoformat()`.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const BAD_TIMESTAMP =
  'Timestamp not in expected format. The server could not comply with the request since it is either malformed ' +
  'or otherwise incorrect. The client is assumed to be in error.';
const IN_THE_PAST =
  "The 'expires_at' must not be before now. The server could not comply with the request since it is either " +
  'malformed or otherwise incorrect. The client is assumed to be in error.';

/** Keystone's parse_expiration_date: a missing zone means UTC; unreadable is 400, already past is 400. */
export function parseExpiresAt(text: string, now = Date.now()): string {
  const m = ISO.exec(text.trim());
  if (!m) throw new BadRequest(BAD_TIMESTAMP);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // Date.UTC rolls 2030-02-31 over into March; Keystone rejects it.
  if (
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    back.getUTCHours() !== Number(h) ||
    back.getUTCMinutes() !== Number(mi) ||
    back.getUTCSeconds() !== Number(s)
  )
    throw new BadRequest(BAD_TIMESTAMP);
  const micros = frac.padEnd(6, '0').slice(0, 6);
  const utc = new Date(ms - zoneOffsetMs(zone));
  if (utc.getTime() + Number(micros) / 1000 <= now) throw new BadRequest(IN_THE_PAST);
  return `${utc.toISOString().slice(0, 19)}.${micros}Z`;
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return (zone[0] === '-' ? -1 : 1) * minutes * 60_000;
}

/** Application credentials print a naive UTC time with microseconds and no zone, as Keystone's JSON does. */
export const appCredExpiresAt = (stored: string | null): string | null => (stored ? stored.replace(/Z$/, '') : null);

/** Trusts print `%Y-%m-%dT%H:%M:%S.%fZ` (Keystone's isotime with subsecond). */
export const trustExpiresAt = (stored: string | null): string | null => stored;

/** Whether a stored expiry has passed. */
export const isExpired = (stored: string | null, now = Date.now()): boolean =>
  stored !== null && Date.parse(stored) <= now;
