import type { AuthContext } from '../core/auth/context.ts';
import { BadRequest, Forbidden, NotFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { IdentityDeps } from './deps.ts';
import { effectiveRoles } from './effective-roles.ts';
import { parseExpiresAt } from './expiry-dates.ts';
import { type RoleRef, resolveRoleRefs } from './role-refs.ts';
import { parseList, splitExtra, toBool } from './rows.ts';
import { getLiveTrust, insertTrust, trustPedigree } from './store/trusts.ts';
import type { TrustRow } from './tables.ts';

export interface TrustRequest {
  trustor_user_id: string;
  trustee_user_id: string;
  impersonation: boolean;
  project_id?: string | null;
  roles?: RoleRef[];
  expires_at?: string | null;
  remaining_uses?: number | null;
  allow_redelegation?: boolean | null;
  redelegation_count?: number | null;
  [extra: string]: unknown;
}

/** Keystone's `[trust] max_redelegation_count` default. */
export const MAX_REDELEGATION_COUNT = 3;

/** Attributes with a column, or that Keystone consumes; anything else a client sends is kept in `extra`. */
const KNOWN = [
  'trustor_user_id',
  'trustee_user_id',
  'impersonation',
  'project_id',
  'roles',
  'expires_at',
  'remaining_uses',
  'allow_redelegation',
  'redelegation_count',
  'redelegated_trust_id',
  'deleted_at',
  'roles_links',
] as const;

const refused = (why: string) => new Forbidden(`You are not authorized to perform the requested action: ${why}.`);

/**
 * Application credentials are bound to one project; letting them read or mint trusts would let a leaked one
 * widen its reach, so Keystone refuses every trust call made with one, restricted or not.
 */
export function refuseAppCredToken(auth: AuthContext): void {
  if (auth.appCredId || auth.methods.includes('application_credential'))
    throw refused("Using method 'application_credential' is not allowed for managing trusts");
}

/**
 * Creates a trust from the caller (the trustor) to the trustee. Called with a trust-scoped token it
 * redelegates that trust, within the limits the chain above it sets (Keystone's trust manager rules).
 */
export async function createTrust(deps: IdentityDeps, auth: AuthContext, body: TrustRequest): Promise<TrustRow> {
  const { db } = deps;
  refuseAppCredToken(auth);
  if (body.project_id && !body.roles?.length) throw refused('At least one role should be specified');
  if (auth.userId !== body.trustor_user_id) throw refused('The authenticated user should match the trustor');
  const trustee = await db.selectFrom('users').select('id').where('id', '=', body.trustee_user_id).executeTakeFirst();
  if (!trustee) throw new NotFound(`Could not find user: ${body.trustee_user_id}.`);

  const roleIds = await resolveRoleRefs(db, body.roles ?? []);
  const parent = auth.trustId ? await getLiveTrust(db, auth.trustId) : undefined;
  const pedigree = parent ? await trustPedigree(db, parent) : [];
  await requireTrustorRoles(deps, body, roleIds);

  const requested = body.redelegation_count ?? undefined;
  const redelegatable = body.allow_redelegation === true && requested !== 0;
  let count: number | undefined;
  if (!redelegatable) count = 0;
  else {
    if (requested && requested > MAX_REDELEGATION_COUNT)
      throw new Forbidden(
        `Requested redelegation depth of ${requested} is greater than allowed ${MAX_REDELEGATION_COUNT}`,
      );
    if (body.remaining_uses != null) throw new BadRequest('remaining_uses must not be set if redelegation is allowed');
    count = requested;
  }

  const trust: TrustRow = {
    id: newId(),
    trustor_user_id: body.trustor_user_id,
    trustee_user_id: body.trustee_user_id,
    project_id: body.project_id ?? null,
    impersonation: body.impersonation ? 1 : 0,
    expires_at: body.expires_at != null ? parseExpiresAt(body.expires_at) : null,
    remaining_uses: body.remaining_uses ?? null,
    redelegated_trust_id: parent?.id ?? null,
    redelegation_count: null,
    roles: JSON.stringify(roleIds),
    extra: JSON.stringify(splitExtra(body, KNOWN)[1]),
    deleted_at: null,
  };
  if (parent) {
    const remaining = (parent.redelegation_count ?? 0) - 1;
    if (redelegatable && requested && requested !== remaining)
      throw new Forbidden(
        'Modifying "redelegation_count" upon redelegation is forbidden. Omitting this parameter is advised.',
      );
    count ??= remaining;
    for (const ancestor of pedigree) checkRedelegation(ancestor, trust, roleIds);
  }
  trust.redelegation_count = count ?? MAX_REDELEGATION_COUNT;
  return insertTrust(db, trust);
}

/**
 * Every delegated role must be held by the trustor on the project (in a redelegation too: the new trust's
 * trustor is the caller, as in Keystone). A trust without a project delegates no roles.
 */
async function requireTrustorRoles(deps: IdentityDeps, body: TrustRequest, roleIds: readonly string[]): Promise<void> {
  let held = new Set<string>();
  if (body.project_id) {
    const project = await deps.db
      .selectFrom('projects')
      .select('id')
      .where('id', '=', body.project_id)
      .where('is_domain', '=', 0)
      .executeTakeFirst();
    if (!project) throw new NotFound(`Could not find project: ${body.project_id}.`);
    const roles = await effectiveRoles(deps.db, body.trustor_user_id, { project: body.project_id });
    held = new Set(roles.map((r) => r.id));
  }
  const missing = roleIds.find((id) => !held.has(id));
  if (missing) throw new NotFound(`Could not find role: ${missing}.`);
}

/** Keystone's _validate_redelegation: the new trust may narrow what an ancestor grants, never widen it. */
function checkRedelegation(ancestor: TrustRow, trust: TrustRow, roleIds: readonly string[]): void {
  const depth = ancestor.redelegation_count ?? 0;
  if (!(depth > 0 && depth <= MAX_REDELEGATION_COUNT))
    throw new Forbidden(
      `Remaining redelegation depth of ${depth} out of allowed range of [0..${MAX_REDELEGATION_COUNT}]`,
    );
  if (trust.remaining_uses !== null)
    throw new Forbidden(
      `Field "remaining_uses" is set to ${trust.remaining_uses} while it must not be set in order to redelegate a trust`,
    );
  if (trust.expires_at) {
    if (ancestor.expires_at && Date.parse(ancestor.expires_at) < Date.parse(trust.expires_at))
      throw new Forbidden('Requested expiration time is more than redelegated trust can provide');
  } else trust.expires_at = ancestor.expires_at;
  const granted = new Set(parseList(ancestor.roles));
  if (!roleIds.every((id) => granted.has(id)))
    throw new Forbidden('Some of requested roles are not in redelegated trust');
  if (!toBool(ancestor.impersonation) && toBool(trust.impersonation))
    throw new Forbidden(
      `Impersonation is not allowed because redelegated trust does not specify impersonation. Redelegated trust id: ${ancestor.id}`,
    );
}
