import type { FastifyRequest } from 'fastify';

/**
 * The console token a WebSocket request carries, wherever its client put it: the query's `token` (serial
 * clients, noVNC opening `<path>`), the URL path (`/console/<token>`), noVNC's page query `path=?token=...`
 * sent back as the query, or a cookie. noVNC's convention is a `token` cookie; websockify test clients
 * (Tempest's) send the page URL's whole query as the Cookie header, so a `path` cookie is read too.
 */
export function consoleTokenOf(req: FastifyRequest): string {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const params = (req.params ?? {}) as Record<string, unknown>;
  return (
    str(query.token) ?? str(params.token) ?? tokenInPath(str(query.path)) ?? tokenInCookies(req.headers.cookie) ?? ''
  );
}

/** `compute/console/websockify?token=abc` or `?token=abc` → `abc`. */
export function tokenInPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const q = path.indexOf('?');
  return q < 0 ? undefined : str(new URLSearchParams(path.slice(q + 1)).get('token'));
}

export function tokenInCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let fromPath: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = decodeOrRaw(part.slice(eq + 1).trim());
    if (name === 'token' && value) return value;
    if (name === 'path') fromPath ??= tokenInPath(value);
  }
  return fromPath;
}

function decodeOrRaw(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
