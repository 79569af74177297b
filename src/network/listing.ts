import type { ExpressionBuilder, SelectQueryBuilder } from 'kysely';
import type { AttrMap } from './attributes.ts';
import { badRequest } from './errors.ts';

/**
 * Neutron's list query: any filterable attribute (`?status=ACTIVE&status=DOWN` is either), `fields=` to
 * pick attributes, `sort_key`/`sort_dir` pairs, `limit` and `marker` paging with links, tag filters, and
 * `changed_since`. An unknown filter is 400, as with Neutron's filter-validation extension.
 */
export interface ListQuery {
  /** Attribute → accepted values (converted), for attributes stored in columns. */
  filters: Map<string, unknown[]>;
  /** Filters a resource handles itself (listed in `extraFilters`): raw strings. */
  extra: Map<string, string[]>;
  fields: string[];
  sorts: [string, 'asc' | 'desc'][];
  limit?: number;
  marker?: string;
  pageReverse: boolean;
  tags: { all: string[]; any: string[]; notAll: string[]; notAny: string[] };
  changedSince?: string;
}

const CONTROL = new Set([
  'fields',
  'sort_key',
  'sort_dir',
  'limit',
  'marker',
  'page_reverse',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
  'changed_since',
]);

export function parseListQuery(
  raw: Record<string, string | string[] | undefined>,
  attrs: AttrMap,
  extraFilters: readonly string[] = [],
): ListQuery {
  const all = (k: string): string[] => {
    const value = raw[k];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  const q: ListQuery = {
    filters: new Map(),
    extra: new Map(),
    fields: all('fields')
      .flatMap((f) => f.split(','))
      .filter(Boolean),
    sorts: [],
    pageReverse: /^(true|1)$/i.test(all('page_reverse')[0] ?? ''),
    tags: {
      all: tagList(all('tags')),
      any: tagList(all('tags-any')),
      notAll: tagList(all('not-tags')),
      notAny: tagList(all('not-tags-any')),
    },
  };
  for (const key of Object.keys(raw)) {
    if (CONTROL.has(key)) continue;
    const name = key === 'tenant_id' ? 'project_id' : key;
    if (extraFilters.includes(name)) q.extra.set(name, all(key));
    else if (attrs[name]?.filter)
      q.filters.set(
        name,
        all(key).map((value) => filterValue(attrs, name, value)),
      );
    else throw badRequest(`[${key}] is invalid attribute for filtering`);
  }
  const keys = all('sort_key');
  const dirs = all('sort_dir');
  if (dirs.length > keys.length) throw badRequest('The number of sort_keys and sort_dirs must be same');
  keys.forEach((key, i) => {
    if (!attrs[key]?.sort) throw badRequest(`${key} is invalid attribute for sort_key`);
    const dir = dirs[i] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw badRequest(`${dir} is invalid value for sort_dir`);
    q.sorts.push([key, dir]);
  });
  const limit = all('limit')[0];
  if (limit !== undefined) {
    if (!/^-?\d+$/.test(limit)) throw badRequest(`Limit must be an integer 0 or greater and not '${limit}'`);
    const n = Number(limit);
    if (n < 0) throw badRequest(`Limit must be an integer 0 or greater and not '${limit}'`);
    if (n > 0) q.limit = n;
  }
  q.marker = all('marker')[0];
  const since = all('changed_since')[0];
  if (since !== undefined) {
    const d = new Date(since);
    if (Number.isNaN(d.getTime())) throw badRequest(`Invalid input for changed_since: ${since}`);
    q.changedSince = `${d.toISOString().slice(0, 19)}Z`;
  }
  return q;
}

function tagList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter(Boolean);
}

/** Filters compare with stored values: booleans are stored as 0/1. */
function filterValue(attrs: AttrMap, name: string, value: string): unknown {
  if (value === '' && name !== 'name' && name !== 'description') return '';
  const parsed = attrs[name].parse(value, name);
  return typeof parsed === 'boolean' ? (parsed ? 1 : 0) : parsed;
}

/** The column behind an attribute (`router:external` lives in `external`). */
export function columnOf(attrs: AttrMap, name: string): string {
  return attrs[name]?.column ?? name;
}

// biome-ignore lint/suspicious/noExplicitAny: applied to any resource's table.
type AnyQuery = SelectQueryBuilder<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the same.
type AnyEb = ExpressionBuilder<any, any>;

/**
 * Applies filters, tag filters, `changed_since`, order and the page to a query over one resource table
 * (`table` names it for column references and tags). `markerRow` is the row the marker names, already loaded
 * (and visible to the caller). Returns one row more than the page when `limit` is set, to know if a next page exists.
 */
export function applyListQuery<Q extends AnyQuery>(
  query: Q,
  q: ListQuery,
  attrs: AttrMap,
  table: string,
  resourceType: string,
  markerRow?: object,
): Q {
  let out: AnyQuery = query;
  for (const [name, values] of q.filters) {
    const column = `${table}.${columnOf(attrs, name)}`;
    out = out.where((eb: AnyEb) =>
      eb.or(
        values.map((value) =>
          value === '' ? eb.or([eb(column, '=', ''), eb(column, 'is', null)]) : eb(column, '=', value),
        ),
      ),
    );
  }
  out = applyTagFilters(out, q, table, resourceType);
  if (q.changedSince) out = out.where(`${table}.updated_at`, '>=', q.changedSince);
  const sorts: [string, 'asc' | 'desc'][] = [...q.sorts];
  if (!sorts.some(([k]) => k === 'id')) sorts.push(['id', sorts[0]?.[1] ?? 'asc']);
  const effective = sorts.map(([k, d]): [string, 'asc' | 'desc'] => [
    `${table}.${columnOf(attrs, k)}`,
    q.pageReverse ? (d === 'asc' ? 'desc' : 'asc') : d,
  ]);
  if (markerRow)
    out = out.where((eb: AnyEb) => afterMarker(eb, effective, markerRow as Record<string, unknown>, table));
  for (const [column, dir] of effective) out = out.orderBy(column, dir);
  if (q.limit !== undefined) out = out.limit(q.limit + 1);
  return out as Q;
}

/** Keyset paging: rows strictly after the marker in the sort order. */
function afterMarker(eb: AnyEb, sorts: [string, 'asc' | 'desc'][], marker: Record<string, unknown>, table: string) {
  const markerValue = (column: string) => marker[column.slice(table.length + 1)];
  return eb.or(
    sorts.map((_, i) =>
      eb.and([
        ...sorts.slice(0, i).map(([column]) => eb(column, '=', markerValue(column))),
        eb(sorts[i][0], sorts[i][1] === 'asc' ? '>' : '<', markerValue(sorts[i][0])),
      ]),
    ),
  );
}

function applyTagFilters(query: AnyQuery, q: ListQuery, table: string, resourceType: string): AnyQuery {
  let out = query;
  const tagged = (eb: AnyEb, tags: string[], every: boolean) => {
    let sub = eb
      .selectFrom('network_tags')
      .select('network_tags.resource_id')
      .where('network_tags.resource_type', '=', resourceType)
      .where('network_tags.tag', 'in', tags)
      .groupBy('network_tags.resource_id');
    if (every) sub = sub.having(eb.fn.count('network_tags.tag'), '=', tags.length);
    return sub;
  };
  const { all, any, notAll, notAny } = q.tags;
  if (all.length) out = out.where(`${table}.id`, 'in', (eb: AnyEb) => tagged(eb, unique(all), true));
  if (any.length) out = out.where(`${table}.id`, 'in', (eb: AnyEb) => tagged(eb, unique(any), false));
  if (notAll.length) out = out.where(`${table}.id`, 'not in', (eb: AnyEb) => tagged(eb, unique(notAll), true));
  if (notAny.length) out = out.where(`${table}.id`, 'not in', (eb: AnyEb) => tagged(eb, unique(notAny), false));
  return out;
}

const unique = (xs: string[]) => [...new Set(xs)];

/**
 * The page and Neutron's `<collection>_links`, by Neutron's rules: `next` unless a forward page came back short,
 * `previous` unless a reversed page came back short, so a full last page still links to an (empty) next page and
 * a forward first page links back. A link's marker is the page's last (next) or first (previous) item; an empty
 * page's links carry no marker. `rows` may hold one row more than the limit (see applyListQuery).
 */
export function pageOf<T extends { id: string }>(
  rows: T[],
  q: ListQuery,
  url: string,
  rawQuery: string,
): { items: T[]; links?: { rel: string; href: string }[] } {
  if (q.limit === undefined) return { items: q.pageReverse ? rows.reverse() : rows };
  let items = rows.slice(0, q.limit);
  if (q.pageReverse) items = items.reverse();
  const short = items.length < q.limit;
  const links: { rel: string; href: string }[] = [];
  const base = new URLSearchParams(rawQuery);
  base.delete('marker');
  base.delete('page_reverse');
  const link = (rel: string, marker: string | undefined, reverse: boolean) => {
    const params = new URLSearchParams(base);
    if (marker !== undefined) params.set('marker', marker);
    if (reverse) params.set('page_reverse', 'True');
    links.push({ rel, href: `${url}?${params.toString()}` });
  };
  if (!(short && !q.pageReverse)) link('next', items.at(-1)?.id, false);
  if (!(short && q.pageReverse)) link('previous', items[0]?.id, true);
  return { items, links: links.length ? links : undefined };
}

/** `fields=`: only the named attributes (all of them when none is named). */
export function pickFields(view: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  if (fields.length === 0) return view;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in view) out[f] = view[f];
  return out;
}
