import { badRequest } from './errors.ts';

/** Nova's osapi_max_limit: the most items one page answers whatever `limit` asks. */
export const MAX_LIMIT = 1000;

/** `limit` as Nova's common.get_limit_and_marker reads it: a non-negative integer, capped at 1000. */
export function parseLimit(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value);
  if (!/^-?\d+$/.test(text)) throw badRequest('limit param must be an integer');
  const n = Number(text);
  if (n < 0) throw badRequest('limit param must be positive');
  return Math.min(n, MAX_LIMIT);
}

/** `offset` (server groups, os-simple-tenant-usage before paging): a non-negative integer. */
export function parseOffset(value: unknown): number {
  if (value === undefined) return 0;
  const text = String(Array.isArray(value) ? value[value.length - 1] : value);
  if (!/^-?\d+$/.test(text)) throw badRequest('offset param must be an integer');
  const n = Number(text);
  if (n < 0) throw badRequest('offset param must be positive');
  return n;
}

/** The last value of a query parameter given once or repeated. */
export function queryValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[value.length - 1] : value);
}

/**
 * Items after `marker` (by `idOf`) up to `limit`; an unknown marker is Nova's 400 `marker [x] not found`.
 * `limit` undefined means the configured maximum.
 */
export function pageAfter<T>(items: T[], idOf: (item: T) => string, marker: string | undefined, limit?: number): T[] {
  let start = 0;
  if (marker !== undefined) {
    const at = items.findIndex((i) => idOf(i) === marker);
    if (at < 0) throw badRequest(`marker [${marker}] not found`);
    start = at + 1;
  }
  return items.slice(start, start + (limit ?? MAX_LIMIT));
}

/**
 * Nova's `<collection>_links`: a `next` link when the page is full (as many items as the limit asked, or the
 * maximum), carrying the other query parameters and the last item as marker.
 */
export function nextLinks(
  url: (path: string) => string,
  path: string,
  query: Record<string, unknown>,
  page: { length: number },
  limit: number | undefined,
  lastId: string | undefined,
): { href: string; rel: 'next' }[] | undefined {
  const full = limit !== undefined ? page.length === limit && limit > 0 : page.length === MAX_LIMIT;
  if (!full || lastId === undefined) return undefined;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker' || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  if (limit !== undefined && !params.has('limit')) params.set('limit', String(limit));
  params.set('marker', lastId);
  return [{ href: url(`/v2.1${path}?${params.toString()}`), rel: 'next' }];
}
