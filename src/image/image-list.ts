import { BadRequest } from '../core/errors.ts';
import type { ImageRecord, ListScope } from './store/images.ts';

/**
 * GET /v2/images: query parsing, filtering, ordering and paging, as Glance's images controller and DB API do it.
 * Pure: the store hands over every image the caller may see, and this narrows it down.
 */

const SORT_KEYS = ['name', 'status', 'container_format', 'disk_format', 'size', 'id', 'created_at', 'updated_at'];
const VISIBILITIES = ['community', 'public', 'private', 'shared', 'all'];
const MEMBER_STATUSES = ['pending', 'accepted', 'rejected', 'all'];
/** Image columns a filter compares directly; any other unknown parameter filters on a free-form property. */
const COLUMN_FILTERS = [
  'name',
  'status',
  'owner',
  'disk_format',
  'container_format',
  'size',
  'virtual_size',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'min_ram',
  'min_disk',
  'id',
];
const IN_CAPABLE = new Set(['name', 'id', 'status', 'container_format', 'disk_format']);
const TIME_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 1000;

type Query = Record<string, string | string[] | undefined>;

export interface ListRequest {
  scope: Pick<ListScope, 'visibility' | 'memberStatus'>;
  limit: number;
  marker?: string;
  sort: { key: string; dir: 'asc' | 'desc' }[];
  predicates: ((img: ImageRecord) => boolean)[];
}

const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const last = (v: string | string[] | undefined): string | undefined => all(v).at(-1);

export function parseListQuery(query: Query): ListRequest {
  const rest: Query = { ...query };
  const take = (k: string) => {
    const v = rest[k];
    delete rest[k];
    return v;
  };
  const limitText = last(take('limit'));
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    if (!/^[+-]?\d+$/.test(limitText.trim())) throw new BadRequest('limit param must be an integer');
    limit = Number(limitText);
    if (limit < 0) throw new BadRequest('limit param must be positive');
  }
  const marker = last(take('marker'));
  const memberStatus = last(take('member_status')) ?? 'accepted';
  if (!MEMBER_STATUSES.includes(memberStatus)) throw new BadRequest(`Invalid status: ${memberStatus}`);
  const visibility = last(take('visibility'));
  if (visibility !== undefined && !VISIBILITIES.includes(visibility))
    throw new BadRequest(`Invalid visibility value: ${visibility}`);
  if (take('changes-since') !== undefined)
    throw new BadRequest('The "changes-since" filter is no longer available on v2.');
  const sort = parseSort(take('sort'), take('sort_key'), take('sort_dir'));
  const predicates = parseFilters(rest);
  return {
    scope: {
      visibility: visibility as ListScope['visibility'],
      memberStatus: memberStatus as ListScope['memberStatus'],
    },
    limit: Math.min(limit, MAX_LIMIT),
    marker,
    sort,
    predicates,
  };
}

function parseSort(
  sortParam: string | string[] | undefined,
  keyParam: string | string[] | undefined,
  dirParam: string | string[] | undefined,
): ListRequest['sort'] {
  const keys: string[] = [];
  const dirs: string[] = [];
  const checkKey = (k: string) => {
    if (!SORT_KEYS.includes(k))
      throw new BadRequest(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`);
    return k;
  };
  const checkDir = (d: string) => {
    if (d !== 'asc' && d !== 'desc') throw new BadRequest(`Invalid sort direction: ${d}`);
    return d;
  };
  if (sortParam !== undefined) {
    if (keyParam !== undefined || dirParam !== undefined)
      throw new BadRequest('Old and new sorting syntax cannot be combined');
    for (const part of (last(sortParam) ?? '').trim().split(',')) {
      // Split at the first colon only, as Glance does: `name:asc:desc` is the direction `asc:desc` (400).
      const colon = part.indexOf(':');
      const key = colon < 0 ? part : part.slice(0, colon);
      const dir = colon < 0 ? '' : part.slice(colon + 1);
      keys.push(checkKey(key.trim()));
      dirs.push(checkDir(dir.trim() || 'desc'));
    }
  } else {
    for (const k of all(keyParam)) keys.push(checkKey(k.trim()));
    for (const d of all(dirParam)) dirs.push(checkDir(d.trim()));
    if (dirs.length > 1 && dirs.length !== keys.length)
      throw new BadRequest('Number of sort dirs does not match the number of sort keys');
  }
  if (keys.length === 0) keys.push('created_at');
  if (dirs.length === 0) dirs.push('desc');
  const sort = keys.map((key, i) => ({ key, dir: (dirs[i] ?? dirs[0]) as 'asc' | 'desc' }));
  // Glance's DB API adds these tie-breakers so that markers always land in one place.
  for (const key of ['created_at', 'id']) if (!keys.includes(key)) sort.push({ key, dir: sort[0].dir });
  return sort;
}

function parseFilters(rest: Query): ListRequest['predicates'] {
  const out: ListRequest['predicates'] = [];
  const hidden = (last(rest.os_hidden) ?? 'false').toLowerCase();
  delete rest.os_hidden;
  if (hidden !== 'true' && hidden !== 'false')
    throw new BadRequest(`Invalid value '${hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.`);
  out.push((img) => Boolean(img.row.os_hidden) === (hidden === 'true'));

  const prot = last(rest.protected);
  delete rest.protected;
  if (prot !== undefined) {
    if (prot !== 'true' && prot !== 'false')
      throw new BadRequest(`Invalid value '${prot}' for 'protected' filter. Valid values are 'true' or 'false'.`);
    out.push((img) => Boolean(img.row.protected) === (prot === 'true'));
  }

  const tags = all(rest.tag).map((t) => t.trim());
  delete rest.tag;
  if (tags.length > 0) out.push((img) => tags.every((t) => img.tags.includes(t)));

  for (const [param, cmp] of [
    ['size_min', (a: number, b: number) => a >= b],
    ['size_max', (a: number, b: number) => a <= b],
  ] as const) {
    const v = last(rest[param]);
    delete rest[param];
    if (v === undefined) continue;
    if (!/^\d+$/.test(v.trim())) throw new BadRequest(`Invalid value for ${param}: ${v}`);
    out.push((img) => img.row.size !== null && cmp(Number(img.row.size), Number(v)));
  }

  for (const field of ['created_at', 'updated_at'] as const) {
    const v = last(rest[field]);
    delete rest[field];
    if (v !== undefined) out.push(timeFilter(field, v));
  }

  for (const [key, raw] of Object.entries(rest)) {
    const value = last(raw);
    if (value === undefined) continue;
    const wanted = IN_CAPABLE.has(key) && value.startsWith('in:') ? splitIn(value.slice(3)) : [value];
    if (COLUMN_FILTERS.includes(key)) {
      out.push((img) => {
        const actual = img.row[key as keyof typeof img.row];
        return actual !== null && wanted.includes(String(actual));
      });
    } else {
      out.push((img) => img.properties[key] !== undefined && wanted.includes(img.properties[key]));
    }
  }
  return out;
}

/** `in:a,b,"c,d"`: Glance lets a quoted value carry commas; a stray or unclosed quote is 400. */
function splitIn(text: string): string[] {
  checkQuotes(text);
  const values: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|([^,]+)/g)) values.push((m[1] ?? m[2]).trim());
  return values;
}

/** A quote opens only after a comma (or at the start) and closes only before one (or at the end). */
function checkQuotes(text: string): void {
  let open = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"' || (i > 0 && text[i - 1] === '\\')) continue;
    if (!open && i > 0 && text[i - 1] !== ',')
      throw new BadRequest(`Invalid filter value ${text}. There is no comma before opening quotation mark.`);
    if (open && i + 1 < text.length && text[i + 1] !== ',')
      throw new BadRequest(`Invalid filter value ${text}. There is no comma after closing quotation mark.`);
    open = !open;
  }
  if (open) throw new BadRequest(`Invalid filter value ${text}. The quote is not closed.`);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

function timeFilter(field: 'created_at' | 'updated_at', text: string): (img: ImageRecord) => boolean {
  // `op:time`; a bare time (colons and all) means `eq`, as in Glance's split_filter_op.
  const idx = text.indexOf(':');
  const bare = idx < 0 || ISO_TIME.test(text.trim());
  const op = bare ? 'eq' : text.slice(0, idx);
  if (!(TIME_OPS as readonly string[]).includes(op))
    throw new BadRequest(`Unable to filter using the specified operator: '${op}'.`);
  const timeText = (bare ? text : text.slice(idx + 1)).trim();
  // Date.parse wants `+hh:mm`; ISO 8601 also allows `+hhmm`.
  const when = ISO_TIME.test(timeText) ? Date.parse(timeText.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
  if (Number.isNaN(when)) throw new BadRequest(`Bad "${field}" query filter format. Use ISO 8601 DateTime notation.`);
  return (img) => {
    const t = Date.parse(img.row[field]);
    switch (op) {
      case 'gt':
        return t > when;
      case 'gte':
        return t >= when;
      case 'lt':
        return t < when;
      case 'lte':
        return t <= when;
      case 'eq':
        return t === when;
      default:
        return t !== when;
    }
  };
}

export function compareImages(sort: ListRequest['sort']): (a: ImageRecord, b: ImageRecord) => number {
  return (a, b) => {
    for (const { key, dir } of sort) {
      const c = compareValues(sortValue(a, key), sortValue(b, key));
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
}

function sortValue(img: ImageRecord, key: string): string | number | null {
  const v = img.row[key as keyof typeof img.row];
  if (v === null || v === undefined) return null;
  if (key === 'created_at' || key === 'updated_at') return Date.parse(String(v));
  if (key === 'size') return Number(v);
  return String(v);
}

/** NULL sorts lowest, as on MySQL, Glance's reference database. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/**
 * Filters, orders and cuts one page. `markerImage` is the image the marker names (it need not pass the filters);
 * `next` is set when the page is full, as Glance does, even if nothing follows.
 */
export function pageOf(
  images: readonly ImageRecord[],
  req: ListRequest,
  markerImage?: ImageRecord,
): { page: ImageRecord[]; nextMarker?: string } {
  const cmp = compareImages(req.sort);
  let rows = images.filter((img) => req.predicates.every((p) => p(img))).sort(cmp);
  if (markerImage) rows = rows.filter((img) => cmp(img, markerImage) > 0);
  const page = rows.slice(0, req.limit);
  return page.length > 0 && page.length === req.limit ? { page, nextMarker: page.at(-1)!.row.id } : { page };
}
