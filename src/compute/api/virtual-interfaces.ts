import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { enforceRule } from '../neutron-proxy.ts';
import { serverCallerOf } from '../server-access.ts';
import { proxyGone } from './images-proxy.ts';

/**
 * /servers/{id}/os-virtual-interfaces (≤ 2.43): a nova-network API. With Neutron Nova answers 400 once the
 * server is found (an unknown one is still 404), and 404 from 2.44 on.
 */
export function virtualInterfacesRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get<{ Params: { server_id: string } }>('/v2.1/servers/:server_id/os-virtual-interfaces', async (req) => {
    if (!req.microversion.atMost('2.43')) throw proxyGone();
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceRule(req, 'os_compute_api:os-virtual-interfaces:list', { project_id: row.project_id });
    throw badRequest('Listing virtual interfaces is not supported by this cloud.');
  });
}
