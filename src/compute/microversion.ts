import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, notAcceptable } from './errors.ts';

/** The range this Compute API serves: 2.1 up to Zed's 2.93. */
export const MIN_VERSION = '2.1';
export const MAX_VERSION = '2.93';

/** A requested compute microversion; every view and schema branches on it field by field. */
export interface Microversion {
  readonly major: number;
  readonly minor: number;
  /** 'X.Y' */
  readonly text: string;
  /** True when the request is at `v` or later ('2.47'). */
  atLeast(v: string): boolean;
  /** True when the request is at `v` or earlier ('2.35'). */
  atMost(v: string): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every Compute request by `negotiateMicroversion`. */
    microversion: Microversion;
  }
}

const parse = (v: string): [number, number] => {
  const [a, b] = v.split('.').map(Number);
  return [a, b];
};
const compare = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

export function microversion(text: string): Microversion {
  const mine = parse(text);
  return {
    major: mine[0],
    minor: mine[1],
    text,
    atLeast: (v) => compare(mine, parse(v)) >= 0,
    atMost: (v) => compare(mine, parse(v)) <= 0,
  };
}

/**
 * Reads `OpenStack-API-Version: compute X.Y` (2.27 onwards) or the legacy `X-OpenStack-Nova-API-Version`, as
 * Nova does: both are accepted at every version, the new one wins, `latest` means the maximum, no header means
 * 2.1. Malformed → 400, outside the range → 406. Answers carry both headers and `Vary`.
 */
export function negotiateMicroversion(req: FastifyRequest, reply: FastifyReply): void {
  const requested = requestedVersion(req);
  let text = MIN_VERSION;
  if (requested !== undefined) {
    if (requested === 'latest') text = MAX_VERSION;
    else {
      const m = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(requested);
      if (!m)
        throw badRequest(`API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`);
      const wanted: [number, number] = [Number(m[1]), Number(m[2])];
      if (compare(wanted, parse(MIN_VERSION)) < 0 || compare(wanted, parse(MAX_VERSION)) > 0)
        throw notAcceptable(
          `Version ${requested} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
        );
      text = `${wanted[0]}.${wanted[1]}`;
    }
  }
  req.microversion = microversion(text);
  reply.header('openstack-api-version', `compute ${text}`);
  reply.header('x-openstack-nova-api-version', text);
  reply.header('vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
}

function requestedVersion(req: FastifyRequest): string | undefined {
  const modern = header(req, 'openstack-api-version');
  if (modern !== undefined) {
    // A list of `<service> <version>` entries; only ours counts ('volume 3.0, compute 2.60').
    for (const part of modern.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute') return (version ?? '').toLowerCase();
    }
  }
  const legacy = header(req, 'x-openstack-nova-api-version');
  return legacy?.trim().toLowerCase();
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
