import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { conflict } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { actionContextOf, enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';
import { createServers } from '../server-create.ts';
import { parseCreateInput } from '../server-create-input.ts';
import { validateCreateBody } from '../server-create-schema.ts';
import { listServers } from '../server-list.ts';
import { renderServer, renderServers } from '../server-render.ts';
import { updateServer } from '../server-update.ts';
import { serverLinks } from '../server-view.ts';

interface IdParams {
  server_id: string;
}

/** /v2.1/servers: create, list, show, update, delete. Actions live in server-actions.ts. */
export function serversRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get('/v2.1/servers', async (req) => {
    const { rows, links } = await listServers(req, deps, false);
    const servers = await renderServers(req, deps, rows, 'index');
    return links ? { servers, servers_links: links } : { servers };
  });

  app.get('/v2.1/servers/detail', async (req) => {
    const { rows, links } = await listServers(req, deps, true);
    const servers = await renderServers(req, deps, rows, 'detail');
    return links ? { servers, servers_links: links } : { servers };
  });

  app.get<{ Params: IdParams }>('/v2.1/servers/:server_id', async (req) => {
    const caller = serverCallerOf(req);
    const row = await visibleInstanceOr404(deps.db, caller, req.params.server_id);
    enforceNova(req, 'os_compute_api:servers:show', instanceTarget(row));
    return { server: await renderServer(req, deps, row, 'show') };
  });

  app.post('/v2.1/servers', async (req, reply) => {
    const caller = serverCallerOf(req);
    enforceNova(req, 'os_compute_api:servers:create', { project_id: caller.projectId, user_id: caller.userId });
    validateCreateBody(req.body, req.microversion);
    const input = parseCreateInput(req.body, req.microversion);
    const result = await createServers(req, deps, caller, input);
    reply.code(202);
    if (input.returnReservationId) return { reservation_id: result.reservationId };
    const first = result.rows[0];
    const links = serverLinks(deps, first.uuid);
    reply.header('location', links[0].href);
    const groups = input.securityGroups.length > 0 ? input.securityGroups : ['default'];
    return {
      server: {
        id: first.uuid,
        links,
        'OS-DCF:diskConfig': first.disk_config,
        security_groups: groups.map((name) => ({ name })),
        adminPass: result.adminPass,
      },
    };
  });

  app.put<{ Params: IdParams }>('/v2.1/servers/:server_id', async (req) => {
    const row = await updateServer(req, deps, req.params.server_id);
    return { server: await renderServer(req, deps, row, req.microversion.atLeast('2.75') ? 'show' : 'basic') };
  });

  app.delete<{ Params: IdParams }>('/v2.1/servers/:server_id', async (req, reply) => {
    const caller = serverCallerOf(req);
    const row = await visibleInstanceOr404(deps.db, caller, req.params.server_id);
    enforceNova(req, 'os_compute_api:servers:delete', instanceTarget(row));
    if (row.locked && !caller.isAdmin) throw conflict(`Instance ${row.uuid} is locked`);
    await deps.conductor.destroy(actionContextOf(caller), row.uuid);
    return reply.code(204).send();
  });
}
