import type { FastifyRequest } from 'fastify';
import type { ComputeDeps } from './deps.ts';
import { serverCallerOf } from './server-access.ts';
import { loadViewContext, type ServerViewKind, serverView } from './server-view.ts';
import type { InstanceRow } from './tables.ts';

/** The views of `rows` for this request: its microversion and the caller's view rights (extended attributes, host status). */
export async function renderServers(
  req: FastifyRequest,
  deps: ComputeDeps,
  rows: InstanceRow[],
  kind: ServerViewKind,
): Promise<Record<string, unknown>[]> {
  if (kind === 'index') {
    const ctx = { url: deps.url } as Parameters<typeof serverView>[2];
    return rows.map((r) => serverView(r, req.microversion, ctx, 'index'));
  }
  const caller = serverCallerOf(req);
  const target = { project_id: rows[0]?.project_id ?? caller.projectId, user_id: caller.userId };
  const hostStatus = req.ctx.allowed('os_compute_api:servers:show:host_status', target)
    ? 'all'
    : req.ctx.allowed('os_compute_api:servers:show:host_status:unknown-only', target)
      ? 'unknown-only'
      : undefined;
  const ctx = await loadViewContext(deps, rows, {
    isAdmin: caller.isAdmin,
    showExtendedAttrs: req.ctx.allowed('os_compute_api:os-extended-server-attributes', target),
    hostStatus,
    withGroups: kind === 'show' || kind === 'basic' || kind === 'rebuild',
  });
  return rows.map((r) => serverView(r, req.microversion, ctx, kind));
}

export async function renderServer(
  req: FastifyRequest,
  deps: ComputeDeps,
  row: InstanceRow,
  kind: ServerViewKind,
): Promise<Record<string, unknown>> {
  const [view] = await renderServers(req, deps, [row], kind);
  return view;
}
