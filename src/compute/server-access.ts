import type { FastifyRequest } from 'fastify';
import type { ActionContext } from './agent/rpc.ts';
import { forbidden } from './errors.ts';

/** Who is asking a server call: their project and user, their token, and whether they are a Nova admin. */
export interface ServerCaller {
  projectId: string;
  userId: string;
  token: string;
  isAdmin: boolean;
  requestId: string;
}

export function serverCallerOf(req: FastifyRequest): ServerCaller {
  const auth = req.ctx.requireAuth();
  return {
    projectId: auth.projectId ?? '',
    userId: auth.userId,
    token: auth.token,
    isAdmin: req.ctx.allowed('context_is_admin'),
    requestId: String(req.id),
  };
}

/** Nova's 403 when a policy rule denies: `Policy doesn't allow <rule> to be performed.` */
export function enforceNova(req: FastifyRequest, ruleName: string, target: Record<string, unknown>): void {
  if (!req.ctx.allowed(ruleName, target)) throw forbidden(`Policy doesn't allow ${ruleName} to be performed.`);
}

/** The target Nova checks instance rules against. */
export const instanceTarget = (row: { project_id: string; user_id: string }) => ({
  project_id: row.project_id,
  user_id: row.user_id,
});

/** What the conductor records the instance action with. */
export function actionContextOf(caller: ServerCaller): ActionContext {
  return {
    request_id: caller.requestId,
    user_id: caller.userId,
    project_id: caller.projectId,
    token: caller.token,
  };
}
