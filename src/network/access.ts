import type { FastifyRequest } from 'fastify';
import { policyForbids } from './errors.ts';

/** Who is asking: their project, and whether Neutron's `context_is_admin` holds for them (sees everything). */
export interface Caller {
  projectId: string;
  userId: string;
  isAdmin: boolean;
}

export function callerOf(req: FastifyRequest): Caller {
  const auth = req.ctx.requireAuth();
  return { projectId: auth.projectId ?? '', userId: auth.userId, isAdmin: req.ctx.allowed('context_is_admin') };
}

/** Neutron's 403 body (`PolicyNotAuthorized`) when `rule` denies the call on `target`. */
export function enforce(req: FastifyRequest, rule: string, target: Record<string, unknown>): void {
  if (!req.ctx.allowed(rule, target)) throw policyForbids(rule);
}

/**
 * The per-attribute rules (`create_network:shared`, `update_port:binding:host_id`) of the `guarded` attributes
 * the client set: on create only when set to something other than the default, as Neutron checks attributes
 * explicitly set.
 */
export function enforceAttributes(
  req: FastifyRequest,
  action: 'create' | 'update',
  member: string,
  guarded: readonly string[],
  given: Record<string, unknown>,
  target: Record<string, unknown>,
  defaults: Record<string, unknown> = {},
): void {
  for (const name of guarded) {
    if (!(name in given)) continue;
    const value = given[name];
    if (action === 'create' && name in defaults && JSON.stringify(defaults[name]) === JSON.stringify(value)) continue;
    enforce(req, `${action}_${member}:${name}`, { ...target, [name]: value });
  }
}

/** Drops the attributes a `get_<member>:<attr>` rule hides from this caller (provider attributes for non-admins). */
export function hideAttributes(
  req: FastifyRequest,
  member: string,
  view: Record<string, unknown>,
  guarded: readonly string[],
): Record<string, unknown> {
  for (const name of guarded) if (name in view && !req.ctx.allowed(`get_${member}:${name}`, view)) delete view[name];
  return view;
}
