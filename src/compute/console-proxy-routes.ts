import websocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServiceApp } from '../core/http/service.ts';
import { CLOSE, chooseConsoleSubprotocol, pipeConsole } from './console-proxy.ts';
import { consoleTokenOf } from './console-proxy-token.ts';
import { routeConsoleUpgrades } from './console-proxy-upgrades.ts';
import { type ConsoleGrant, validateConsoleToken } from './console-tokens.ts';
import type { ComputeDeps } from './deps.ts';
import { badRequest, notFound } from './errors.ts';

/** Under the compute prefix: `<public>/compute/console/...`. */
export const CONSOLE_PATHS = {
  page: '/console/vnc_lite.html',
  vnc: '/console/websockify',
  serial: '/console/serial',
} as const;

/** The console types each WebSocket endpoint opens (Nova runs one proxy per kind, each checks the type). */
const VNC_TYPES = ['novnc', 'xvpvnc'] as const;
const SERIAL_TYPES = ['serial'] as const;

// Nova's InvalidToken text; the token itself is never echoed (Nova logs '***' too).
const INVALID_TOKEN = "The token '***' is invalid or has expired";

/**
 * The URL a console of `type` is opened at, shaped as Nova's proxies answer: noVNC's page with the WebSocket's
 * path in `path` (`vnc_lite.html?path=%3Ftoken%3D...`: noVNC opens `ws://<host>/?token=...`, which
 * console-proxy-upgrades.ts routes here), the serial console as a `ws://` URL with the token in the query,
 * anything else at `<public>/compute/console/<token>`. A public URL with a path keeps it in `path`.
 */
export function consoleUrl(publicUrl: string, type: string, token: string): string {
  const prefix = new URL(publicUrl).pathname.replace(/^\/+|\/+$/g, '');
  const root = publicUrl.replace(/\/+$/, '');
  const t = encodeURIComponent(token);
  if ((VNC_TYPES as readonly string[]).includes(type))
    return `${root}/compute${CONSOLE_PATHS.page}?path=${encodeURIComponent(`${prefix ? `${prefix}/` : ''}?token=${t}`)}`;
  if (type === 'serial') return `${root.replace(/^http/, 'ws')}/compute${CONSOLE_PATHS.serial}?token=${t}`;
  return `${root}/compute/console/${t}`;
}

/**
 * The console proxy (Nova's nova-novncproxy and nova-serialproxy in one): a WebSocket whose token names an
 * instance's console is piped to that console's Unix socket, and to nothing else. The checks happen before the
 * upgrade; a refused upgrade is an HTTP 404 (403 for a foreign Origin) with an empty body, because a
 * websockify client (Tempest's) reads any byte after the response head as console data.
 */
export function consoleProxyRoutes(app: ServiceApp, deps: ComputeDeps): void {
  // Encapsulated: @fastify/websocket's hooks and its routes' handler wrapping stay inside this plugin.
  app.register(async (proxy) => {
    await proxy.register(websocket, {
      options: { handleProtocols: (offered) => chooseConsoleSubprotocol(offered), maxPayload: 1 << 20 },
    });
    const undoUpgrades = routeConsoleUpgrades(proxy.server);
    proxy.addHook('onClose', async () => undoUpgrades());
    const grants = new WeakMap<FastifyRequest, ConsoleGrant>();

    const checkToken =
      (types: readonly string[] | undefined) =>
      async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
        const foreign = foreignOrigin(req);
        if (foreign) {
          req.log.info({ origin: req.headers.origin }, foreign);
          if (req.ws) return refuseUpgrade(reply, 403);
          throw badRequest(foreign);
        }
        const grant = await validateConsoleToken(deps.db, consoleTokenOf(req), { types });
        if (!grant || !(await instanceExists(deps, grant.instanceUuid))) {
          req.log.info({ path: req.routeOptions.url }, 'console token refused');
          if (req.ws) return refuseUpgrade(reply, 404);
          throw notFound(INVALID_TOKEN);
        }
        grants.set(req, grant);
        return undefined;
      };

    const openConsole = (ws: WebSocket, req: FastifyRequest) => {
      const grant = grants.get(req);
      if (!grant) return ws.close(CLOSE.unavailable, 'The console is not available.');
      const socket = grant.internal.socket;
      if (typeof socket === 'string' && socket.startsWith('/'))
        return pipeConsole(ws, socket, { log: req.log, instanceUuid: grant.instanceUuid });
      // The fake driver keeps no console; a valid token still upgrades so clients see why in the close frame.
      ws.close(CLOSE.unavailable, grant.internal.fake ? 'the fake driver has no console' : 'no console endpoint');
    };

    const notUpgraded = async () => {
      throw badRequest('A console is opened with a WebSocket upgrade (Upgrade: websocket).');
    };

    // noVNC's page. Its assets are not bundled: the page names the WebSocket that noVNC clients connect to.
    proxy.get(CONSOLE_PATHS.page, { config: { public: true } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(NOVNC_PAGE),
    );
    for (const [url, types] of [
      [CONSOLE_PATHS.vnc, VNC_TYPES],
      [CONSOLE_PATHS.serial, SERIAL_TYPES],
      // The first URL shape (<public>/compute/console/<token>), still answered for any console type.
      ['/console/:token', undefined],
    ] as const)
      proxy.route({
        method: 'GET',
        url,
        config: { public: true },
        preValidation: checkToken(types),
        handler: notUpgraded,
        wsHandler: openConsole,
      });
  });
}

async function instanceExists(deps: ComputeDeps, uuid: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('instances')
    .select('uuid')
    .where('uuid', '=', uuid)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Nova's Origin check: a browser's Origin must name the host the request was sent to (a page elsewhere must
 * not open a console with a token it came by). No Origin means a non-browser client, which is fine.
 */
function foreignOrigin(req: FastifyRequest): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'Origin header not valid.';
  }
  if (!url.hostname || !url.protocol) return 'Origin header not valid.';
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (url.hostname.replace(/^\[(.*)\]$/, '$1') !== host) return 'Origin header does not match this host.';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    return 'Origin header protocol does not match this host.';
  return undefined;
}

function refuseUpgrade(reply: FastifyReply, status: number): FastifyReply {
  return reply.code(status).header('connection', 'close').header('content-length', '0').send();
}

const NOVNC_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>noVNC console (Strata)</title></head>
<body>
<p>This is Strata's noVNC console endpoint. The noVNC client assets are not bundled; point a noVNC client
(or any RFB-over-WebSocket client, subprotocol <code>binary</code> or <code>base64</code>) at the WebSocket below.</p>
<pre id="ws"></pre>
<script>
  const path = new URLSearchParams(location.search).get('path') || '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  document.getElementById('ws').textContent = scheme + '//' + location.host + '/' + path;
</script>
</body>
</html>
`;
