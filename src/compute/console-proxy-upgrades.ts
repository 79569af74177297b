import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Where console WebSockets are upgraded: under the compute prefix, and the root paths of noVNC clients (below). */
const CONSOLE_PREFIX = '/compute/console/';
const ROOT_PATHS = new Set(['/', '/websockify']);

type UpgradeDecider = (req: IncomingMessage) => boolean;

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0];

/** True for the upgrade requests the console proxy answers. */
export function isConsoleUpgrade(url: string | undefined): boolean {
  const path = pathOf(url);
  return path.startsWith(CONSOLE_PREFIX) || ROOT_PATHS.has(path);
}

/**
 * Makes the shared listener upgrade only console requests. With any 'upgrade' listener Node hands every
 * `Upgrade:` request to it; one for another route would be answered and then left open, outside the server's
 * connection tracking, and hold `close()` until the client leaves. Others stay ordinary HTTP requests
 * (Node's server.shouldUpgradeCallback, v24.9+).
 *
 * noVNC clients upgrade at the host's root: noVNC's page opens `ws://<host>/<path>` (`/?token=...` for the URL
 * Nova's shape gives), and websockify clients (Tempest's test_novnc) `/websockify` with the page's query as the
 * Cookie. Those two root paths are renamed to the compute proxy's before Fastify routes them, as Nova's
 * novncproxy answers them at its root. Returns the undo, for the server's close.
 */
export function routeConsoleUpgrades(server: Server): () => void {
  const s = server as Server & { shouldUpgradeCallback?: UpgradeDecider };
  const previous = s.shouldUpgradeCallback;
  const alias = (req: IncomingMessage, _socket: Duplex, _head: Buffer) => {
    const path = pathOf(req.url);
    if (ROOT_PATHS.has(path)) req.url = `${CONSOLE_PREFIX}websockify${(req.url ?? '').slice(path.length)}`;
  };
  s.shouldUpgradeCallback = (req) => isConsoleUpgrade(req.url);
  server.prependListener('upgrade', alias);
  return () => {
    server.removeListener('upgrade', alias);
    s.shouldUpgradeCallback = previous;
  };
}
