import type { FastifyRequest } from 'fastify';

/** Who is asking a Compute API: their project and user, and whether Nova's `context_is_admin` holds. */
export interface Caller {
  projectId: string;
  userId: string;
  isAdmin: boolean;
}

export function callerOf(req: FastifyRequest): Caller {
  const auth = req.ctx.requireAuth();
  return { projectId: auth.projectId ?? '', userId: auth.userId, isAdmin: req.ctx.allowed('context_is_admin') };
}

/** Nova's 'now' in its timestamps without a zone: `2026-12-03T14:20:16.000000`. */
export function novaTime(iso: string | null): string | null {
  if (!iso) return null;
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000');
}
