import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.ts';
import type { ServiceAnswer } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import { badRequest, forbidden, instanceNotFound, notFound } from './errors.ts';
import type { InstanceRow } from './tables.ts';

/**
 * What the compute proxies of Networking share (os-security-groups, os-floating-ips, os-tenant-networks,
 * os-interface): calls with the caller's token, and Neutron's failures turned into Nova's.
 */
export type NeutronCall = (method: string, path: string, body?: unknown) => Promise<ServiceAnswer>;

export function neutronAsCaller(deps: ComputeDeps, req: FastifyRequest): NeutronCall {
  const token = req.ctx.requireAuth().token;
  return (method, path, body) => deps.network.request({ token }, method, path, body);
}

/** Neutron's own message of a failed answer. */
export function neutronMessage(res: ServiceAnswer): string {
  return res.body?.NeutronError?.message ?? `Networking answered ${res.status}`;
}

/**
 * Nova's answer for a failed Neutron call: 404 with `notFoundMessage`, 403 stays 403, and the 400/409 family
 * is a 400 (Nova reports Neutron's conflicts, e.g. a group in use, as bad requests).
 */
export function novaError(res: ServiceAnswer, notFoundMessage: string): ApiError {
  if (res.status === 404) return notFound(notFoundMessage);
  if (res.status === 403) return forbidden(neutronMessage(res));
  if (res.status === 400 || res.status === 409) return badRequest(neutronMessage(res));
  return new ApiError(res.status >= 500 ? 502 : res.status, 'computeFault', neutronMessage(res));
}

/** Expects one of `ok`; anything else becomes Nova's error. */
export function expect(res: ServiceAnswer, ok: number[], notFoundMessage: string): ServiceAnswer {
  if (!ok.includes(res.status)) throw novaError(res, notFoundMessage);
  return res;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * The server a sub-resource call names, if the caller may see it (another project's server is a 404, as Nova
 * answers); `rule` is checked against the server's project.
 */
export async function visibleInstance(deps: ComputeDeps, req: FastifyRequest, uuid: string): Promise<InstanceRow> {
  const auth = req.ctx.requireAuth();
  const row = await deps.db
    .selectFrom('instances')
    .selectAll()
    .where('uuid', '=', uuid)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  if (!row) throw instanceNotFound(uuid);
  if (row.project_id !== auth.projectId && !req.ctx.allowed('context_is_admin')) throw instanceNotFound(uuid);
  return row;
}

/** Nova's rule check with its 403 wording. */
export function enforceRule(req: FastifyRequest, rule: string, target: Record<string, unknown>): void {
  if (!req.ctx.allowed(rule, target)) throw forbidden(`Policy doesn't allow ${rule} to be performed.`);
}
