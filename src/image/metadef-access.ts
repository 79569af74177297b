/**
 * Who may see and change a metadata-definition namespace. Glance hides a namespace the caller cannot see (not
 * admin, not public, not the caller's project's) behind 404 in its database layer, then enforces the named rule
 * with the namespace as target; a refused rule on a namespace the caller could not read is 404 too.
 */
import { ApiError, NotFound } from '../core/errors.ts';
import type { RequestContext } from '../core/http/service.ts';
import type { MetadefNamespaceRow } from './tables.ts';

export interface MetadefCaller {
  projectId: string | null;
  isAdmin: boolean;
}

export function metadefCaller(ctx: RequestContext): MetadefCaller {
  const auth = ctx.requireAuth();
  return { projectId: auth.projectId ?? null, isAdmin: ctx.allowed('context_is_admin') };
}

export function canSeeNamespace(caller: MetadefCaller, ns: MetadefNamespaceRow): boolean {
  return caller.isAdmin || ns.visibility === 'public' || (ns.owner !== null && ns.owner === caller.projectId);
}

export const namespaceNotFound = (name: string): NotFound =>
  new NotFound(`Metadata definition namespace=${name} was not found.`);

/** Glance's MetadefAPIPolicy target: the namespace's owner as `project_id`, and its visibility. */
export const namespaceTarget = (ns: MetadefNamespaceRow): Record<string, unknown> => ({
  project_id: ns.owner,
  visibility: ns.visibility,
});

export function enforceOnNamespace(ctx: RequestContext, rule: string, ns: MetadefNamespaceRow): void {
  try {
    ctx.enforce(rule, namespaceTarget(ns));
  } catch (err) {
    const hidden = rule === 'get_metadef_namespace' || !ctx.allowed('get_metadef_namespace', namespaceTarget(ns));
    if (err instanceof ApiError && err.status === 403 && hidden) throw namespaceNotFound(ns.namespace);
    throw err;
  }
}

/** Deleting anything in a protected namespace is refused (Glance's Protected*Delete errors, 403). */
export function refuseIfProtected(ns: MetadefNamespaceRow, what: string): void {
  if (ns.protected) {
    throw new ApiError(403, 'Forbidden', `${what} in namespace ${ns.namespace} is protected and cannot be deleted.`);
  }
}
