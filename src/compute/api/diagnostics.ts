import type { ServiceApp } from '../../core/http/service.ts';
import { AgentMethod } from '../agent/rpc.ts';
import type { ComputeDeps } from '../deps.ts';
import type { Diagnostics } from '../drivers/hypervisor.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';

type ServerParams = { server_id: string };

/** Before 2.48 Nova answered the libvirt driver's free-form keys; this renders the standard form that way. */
export function legacyDiagnostics(d: Diagnostics): Record<string, number> {
  const out: Record<string, number> = {};
  d.cpu_details.forEach((c, i) => {
    out[`cpu${c.id ?? i}_time`] = c.time;
  });
  out.memory = d.memory_details.maximum * 1024;
  out['memory-actual'] = d.memory_details.maximum * 1024;
  out['memory-rss'] = d.memory_details.used * 1024;
  d.disk_details.forEach((disk, i) => {
    const name = `vd${String.fromCharCode(97 + i)}`;
    const v = disk as Record<string, number>;
    out[`${name}_read`] = v.read_bytes ?? 0;
    out[`${name}_read_req`] = v.read_requests ?? 0;
    out[`${name}_write`] = v.write_bytes ?? 0;
    out[`${name}_write_req`] = v.write_requests ?? 0;
    out[`${name}_errors`] = v.errors_count ?? -1;
  });
  d.nic_details.forEach((nic, i) => {
    const v = nic as Record<string, number>;
    const name = `tap${i}`;
    for (const [k, src] of [
      ['rx', 'rx_octets'],
      ['rx_packets', 'rx_packets'],
      ['rx_errors', 'rx_errors'],
      ['rx_drop', 'rx_drop'],
      ['tx', 'tx_octets'],
      ['tx_packets', 'tx_packets'],
      ['tx_errors', 'tx_errors'],
      ['tx_drop', 'tx_drop'],
    ])
      out[`${name}_${k}`] = v[src] ?? 0;
  });
  return out;
}

/** GET /servers/{id}/diagnostics (admins): the agent asks its driver; 2.48 answers Nova's standard form. */
export function diagnosticsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  app.get<{ Params: ServerParams }>('/v2.1/servers/:server_id/diagnostics', async (req) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, 'os_compute_api:os-server-diagnostics', instanceTarget(row));
    const d = await deps.conductor.callAgent<Diagnostics>(row.uuid, AgentMethod.diagnostics);
    return req.microversion.atLeast('2.48') ? d : legacyDiagnostics(d);
  });
}
