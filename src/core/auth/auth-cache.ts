import type { AuthContext, TokenValidator } from './context.ts';

/**
 * A short-lived cache in front of a validator, so a request does not re-decrypt and re-read its token.
 * Identity fans out `auth.revoked` whenever something could invalidate tokens, and every process clears
 * its cache then: a revoked token stops working at once, not after the TTL.
 */
export function cachedValidator(
  inner: TokenValidator,
  ttlMs: number,
  maxEntries = 10000,
): TokenValidator & { clear(): void } {
  const entries = new Map<string, { ctx: AuthContext; until: number; expires: number }>();
  return {
    async validate(token) {
      const now = Date.now();
      const hit = entries.get(token);
      if (hit && hit.until > now && hit.expires > now) return hit.ctx;
      const ctx = await inner.validate(token);
      if (entries.size >= maxEntries) entries.clear();
      entries.set(token, { ctx, until: now + ttlMs, expires: Date.parse(ctx.expiresAt) });
      return ctx;
    },
    clear: () => entries.clear(),
  };
}

export const REVOCATION_TOPIC = 'auth';
