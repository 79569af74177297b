import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { AgentMethod } from '../agent/rpc.ts';
import { consoleProxyRoutes, consoleUrl } from '../console-proxy-routes.ts';
import { issueConsoleToken } from '../console-tokens.ts';
import type { ComputeDeps } from '../deps.ts';
import type { ConsoleEndpoint } from '../drivers/hypervisor.ts';
import { badRequest, notFound } from '../errors.ts';
import { visibleInstanceOr404 } from '../instance-store.ts';
import { enforceNova, instanceTarget, serverCallerOf } from '../server-access.ts';

/** The console types each protocol offers (webmks from 2.8). */
export const CONSOLE_TYPES: Record<string, string[]> = {
  vnc: ['novnc', 'xvpvnc'],
  spice: ['spice-html5'],
  rdp: ['rdp-html5'],
  serial: ['serial'],
  mks: ['webmks'],
};

const RemoteConsole = Type.Object(
  {
    remote_console: Type.Object({ protocol: Type.String(), type: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
type RemoteConsole = Static<typeof RemoteConsole>;
type ServerParams = { server_id: string };

/**
 * A console of `protocol`/`type` for a server: the agent names the endpoint (the qemu driver's console socket),
 * a token valid for [compute.qemu] consoleTokenTtl seconds (Nova's token_ttl) is stored, and the URL points at
 * this cloud's console proxy (console-proxy-routes.ts) in the shape Nova's proxies answer.
 */
export async function openConsole(
  deps: ComputeDeps,
  uuid: string,
  protocol: string,
  type: string,
): Promise<{ protocol: string; type: string; url: string }> {
  const endpoint = await deps.conductor.callAgent<ConsoleEndpoint>(uuid, AgentMethod.remoteConsole, { kind: protocol });
  const ttl = deps.config.compute.qemu.consoleTokenTtl;
  const token = await issueConsoleToken(deps.db, uuid, type, endpoint, ttl);
  return { protocol, type, url: consoleUrl(deps.publicUrl(), type, token) };
}

/** POST /servers/{id}/remote-consoles (2.6+), and the console proxy its URLs point at; the ≤ 2.5 actions are in server-action-consoles.ts. */
export function remoteConsoleRoutes(app: ServiceApp, deps: ComputeDeps): void {
  consoleProxyRoutes(app, deps);

  app.post<{ Params: ServerParams; Body: RemoteConsole }>(
    '/v2.1/servers/:server_id/remote-consoles',
    { schema: { body: RemoteConsole } },
    async (req) => {
      const mv = req.microversion;
      if (!mv.atLeast('2.6')) throw notFound('The resource could not be found.');
      const { protocol, type } = req.body.remote_console;
      const protocols = Object.keys(CONSOLE_TYPES).filter((p) => p !== 'mks' || mv.atLeast('2.8'));
      if (!protocols.includes(protocol))
        throw badRequest(
          `Invalid input for field/attribute protocol. Value: ${protocol}. '${protocol}' is not one of ${JSON.stringify(protocols)}`,
        );
      const types = protocols.flatMap((p) => CONSOLE_TYPES[p]);
      if (!types.includes(type))
        throw badRequest(
          `Invalid input for field/attribute type. Value: ${type}. '${type}' is not one of ${JSON.stringify(types)}`,
        );
      const row = await visibleInstanceOr404(deps.db, serverCallerOf(req), req.params.server_id);
      enforceNova(req, 'os_compute_api:os-remote-consoles', instanceTarget(row));
      if (!CONSOLE_TYPES[protocol].includes(type)) throw badRequest(`Invalid console type ${type}`);
      return { remote_console: await openConsole(deps, row.uuid, protocol, type) };
    },
  );
}
