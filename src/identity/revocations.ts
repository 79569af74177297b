import { REVOCATION_TOPIC } from '../core/auth/auth-cache.ts';
import { newId } from '../core/ids.ts';
import type { IdentityDeps } from './deps.ts';
import type { RevocationRow } from './tables.ts';
import type { TokenData } from './token-model.ts';

export type RevocationFilter = Partial<
  Pick<RevocationRow, 'user_id' | 'project_id' | 'domain_id' | 'role_id' | 'trust_id' | 'audit_id' | 'audit_chain_id'>
>;

/**
 * Revocation events: a token is revoked when some event's set fields all match it and it was issued before
 * the event. Events are few and checked on every validation, so each process keeps them in memory and
 * reloads when any process fans out `auth.revoked` (which also empties every auth cache).
 */
export class RevocationList {
  #events: RevocationRow[] | undefined;
  readonly #deps: Pick<IdentityDeps, 'db' | 'bus' | 'config'>;
  readonly #localCaches: readonly { clear(): void }[];

  /** `localCaches` are emptied at once, before the fanout reaches other processes' copies. */
  constructor(deps: Pick<IdentityDeps, 'db' | 'bus' | 'config'>, localCaches: readonly { clear(): void }[] = []) {
    this.#deps = deps;
    this.#localCaches = localCaches;
    deps.bus.listenFanout(REVOCATION_TOPIC, { revoked: () => this.forget() });
  }

  forget(): void {
    this.#events = undefined;
  }

  async revoke(filter: RevocationFilter): Promise<void> {
    const now = new Date();
    // Fernet tokens carry their issue time in whole seconds; an event covers tokens of earlier seconds only,
    // so a token issued just after (say, with a new password) in the same second stays valid.
    const issuedBefore = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
    const row: RevocationRow = {
      id: newId(),
      user_id: null,
      project_id: null,
      domain_id: null,
      role_id: null,
      trust_id: null,
      audit_id: null,
      audit_chain_id: null,
      ...filter,
      issued_before: issuedBefore,
      revoked_at: now.toISOString(),
    };
    await this.#deps.db.insertInto('revocation_events').values(row).execute();
    await this.#prune(now);
    this.forget();
    await this.tokensChanged();
  }

  /**
   * Something tokens are computed from changed without ending any token (a new grant, implication or group
   * membership): every process drops its cached validations so the next request sees the new roles.
   */
  async tokensChanged(): Promise<void> {
    for (const cache of this.#localCaches) cache.clear();
    await this.#deps.bus.fanout(REVOCATION_TOPIC, 'revoked', {});
  }

  async isRevoked(
    t: Pick<TokenData, 'payload' | 'issuedAt' | 'roles' | 'trust' | 'project' | 'domain'>,
  ): Promise<boolean> {
    this.#events ??= await this.#deps.db.selectFrom('revocation_events').selectAll().execute();
    if (this.#events.length === 0) return false;
    const p = t.payload;
    const users = new Set([p.userId, t.trust?.trustor_user_id, t.trust?.trustee_user_id].filter(Boolean));
    const roleIds = new Set(t.roles.map((r) => r.id));
    const chain = p.auditIds[p.auditIds.length - 1];
    return this.#events.some(
      (e) =>
        // An audit id names one token exactly, whenever it was issued; other events cover earlier seconds.
        (e.audit_id || e.audit_chain_id || t.issuedAt < Date.parse(e.issued_before)) &&
        (!e.user_id || users.has(e.user_id)) &&
        (!e.project_id || e.project_id === t.project?.id) &&
        (!e.domain_id || e.domain_id === t.domain?.id || e.domain_id === t.project?.domain_id) &&
        (!e.role_id || roleIds.has(e.role_id)) &&
        (!e.trust_id || e.trust_id === t.trust?.id) &&
        (!e.audit_id || e.audit_id === p.auditIds[0]) &&
        (!e.audit_chain_id || e.audit_chain_id === chain),
    );
  }

  /** Events older than any token that could still validate (even with allow_expired) match nothing. */
  async #prune(now: Date): Promise<void> {
    const { tokenExpiration, allowExpiredWindow } = this.#deps.config.identity;
    const horizon = new Date(now.getTime() - (tokenExpiration + allowExpiredWindow) * 1000).toISOString();
    await this.#deps.db.deleteFrom('revocation_events').where('revoked_at', '<', horizon).execute();
  }
}
