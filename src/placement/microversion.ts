import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlacementError } from './errors.ts';

/** Placement's range in Zed: 1.0 up to 1.39 (any-traits `in:` in required). */
export const MIN_VERSION = '1.0';
export const MAX_VERSION = '1.39';

export interface PlacementVersion {
  readonly minor: number;
  /** '1.Y' */
  readonly text: string;
  /** True at `v` ('1.20') or later. */
  atLeast(v: string): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every Placement request by `negotiatePlacementVersion` (a name apart from compute's). */
    placementVersion: PlacementVersion;
  }
}

const MAX_MINOR = Number(MAX_VERSION.split('.')[1]);
const minorOf = (v: string) => Number(v.split('.')[1]);

export function placementVersion(text: string): PlacementVersion {
  const minor = minorOf(text);
  return { minor, text, atLeast: (v) => minor >= minorOf(v) };
}

/**
 * Reads `OpenStack-API-Version: placement 1.Y` (or `latest`); none means 1.0. Malformed → 400, outside
 * 1.0–1.39 → 406, as Placement's microversion middleware answers. Every answer names the version it served
 * and `Vary: openstack-api-version`.
 */
export function negotiatePlacementVersion(req: FastifyRequest, reply: FastifyReply): void {
  // Set before any throw so the error answer still carries a version.
  req.placementVersion = placementVersion(MIN_VERSION);
  reply.header('openstack-api-version', `placement ${MIN_VERSION}`);
  reply.header('vary', 'openstack-api-version');
  const requested = requestedVersion(req);
  if (requested === undefined) return;
  let text: string;
  if (requested === 'latest') text = MAX_VERSION;
  else {
    const m = /^(\d+)\.(\d+)$/.exec(requested);
    if (!m) throw new PlacementError(400, `invalid version string: ${requested}`);
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (major !== 1 || minor > MAX_MINOR)
      throw new PlacementError(
        406,
        `Unacceptable version header: ${requested}. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
      );
    text = `1.${minor}`;
  }
  req.placementVersion = placementVersion(text);
  reply.header('openstack-api-version', `placement ${text}`);
}

function requestedVersion(req: FastifyRequest): string | undefined {
  const raw = req.headers['openstack-api-version'];
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (value === undefined) return undefined;
  // A list of `<service> <version>` entries ('compute 2.60, placement 1.30'); only ours counts.
  for (const part of value.split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === 'placement') return (version ?? '').toLowerCase();
  }
  return undefined;
}

/**
 * Placement answers only JSON: a GET whose Accept admits neither application/json nor a wildcard is 406, as its
 * `check_accept` decorator answers.
 */
export function checkAccept(req: FastifyRequest): void {
  const accept = req.headers.accept;
  if (req.method !== 'GET' || !accept) return;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  if (!types.some((t) => t === 'application/json' || t === 'application/*' || t === '*/*' || t === ''))
    throw new PlacementError(406, 'Only application/json is provided');
}

/** Routes a microversion does not have yet answer 404, as Placement's version-aware router does. */
export function requireVersion(req: FastifyRequest, v: string): void {
  if (!req.placementVersion.atLeast(v)) throw new PlacementError(404, 'The resource could not be found.');
}
