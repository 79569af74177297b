import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { systemMetadataOf, visibleInstanceOr404 } from '../instance-store.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';

/** The system metadata key of the encrypted password a guest posted to the metadata service (Nova's password_0..3). */
export const PASSWORD_KEY = 'password';

/** /v2.1/servers/{id}/os-server-password: the guest-set encrypted password ('' until one is set), and clearing it. */
export function serverPasswordRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const path = '/v2.1/servers/:server_id/os-server-password';
  app.get<{ Params: { server_id: string } }>(path, async (req) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, 'os_compute_api:os-server-password:show', instanceTarget(row));
    const sys = (await systemMetadataOf(deps.db, [row.uuid])).get(row.uuid) ?? {};
    return { password: sys[PASSWORD_KEY] ?? '' };
  });

  app.delete<{ Params: { server_id: string } }>(path, async (req, reply) => {
    const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
    enforceNova(req, 'os_compute_api:os-server-password:clear', instanceTarget(row));
    await deps.db
      .deleteFrom('instance_system_metadata')
      .where('instance_uuid', '=', row.uuid)
      .where('key', '=', PASSWORD_KEY)
      .execute();
    return reply.code(204).send();
  });
}
