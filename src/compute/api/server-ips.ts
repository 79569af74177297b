import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';
import { addressesOf, networkInfoOf } from '../server-view.ts';

interface Params {
  server_id: string;
  network: string;
}

/** /v2.1/servers/{id}/ips and /ips/{network_label}: the addresses without the extension attributes. */
export function serverIpsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get<{ Params: Params }>('/v2.1/servers/:server_id/ips', async (req) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, 'os_compute_api:ips:index', instanceTarget(row));
    return { addresses: row.vm_state === 'building' ? {} : addressesOf(networkInfoOf(row), false) };
  });

  app.get<{ Params: Params }>('/v2.1/servers/:server_id/ips/:network', async (req) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, 'os_compute_api:ips:show', instanceTarget(row));
    const all = addressesOf(networkInfoOf(row), false);
    if (!Object.hasOwn(all, req.params.network)) throw notFound('Instance is not a member of specified network');
    return { [req.params.network]: all[req.params.network] };
  });
}
