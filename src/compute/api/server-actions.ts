import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { backupActions } from '../server-action-backup.ts';
import { consoleActions } from '../server-action-consoles.ts';
import { type ActionSpec, runAction } from '../server-action-context.ts';
import { fixedIpActions } from '../server-action-fixed-ips.ts';
import { floatingIpActions } from '../server-action-floating-ips.ts';
import { imageActions } from '../server-action-images.ts';
import { miscActions } from '../server-action-misc.ts';
import { powerActions } from '../server-action-power.ts';
import { rebuildActions } from '../server-action-rebuild.ts';
import { resizeActions } from '../server-action-resize.ts';

const ACTIONS: Record<string, ActionSpec> = {
  ...powerActions,
  ...imageActions,
  ...backupActions,
  ...resizeActions,
  ...rebuildActions,
  ...miscActions,
  ...fixedIpActions,
  ...floatingIpActions,
  ...consoleActions,
};

/** POST /v2.1/servers/{id}/action: the body's one key names the action (`{"reboot": {"type": "HARD"}}`). */
export function serverActionRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.post<{ Params: { server_id: string } }>('/v2.1/servers/:server_id/action', async (req, reply) => {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Malformed request body');
    const keys = Object.keys(body);
    if (keys.length !== 1) throw badRequest('Malformed request body');
    const name = keys[0];
    const spec = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!spec) throw badRequest(`There is no such action: ${name}`);
    return runAction(req, reply, deps, req.params.server_id, name, spec, (body as Record<string, unknown>)[name]);
  });
}
