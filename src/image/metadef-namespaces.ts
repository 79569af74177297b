/** Metadata-definition namespaces: reading request bodies and query strings, and assembling the views. */
import { ApiError, BadRequest } from '../core/errors.ts';
import type { RequestContext } from '../core/http/service.ts';
import type { ImageDeps } from './deps.ts';
import {
  canSeeNamespace,
  enforceOnNamespace,
  type MetadefCaller,
  metadefCaller,
  namespaceNotFound,
} from './metadef-access.ts';
import { metadefViolation, NAMELESS_PROPERTY_SCHEMA } from './metadef-schema.ts';
import { associationView, namespaceView, objectBody, objectView, propertiesMap, propertyBody } from './metadef-view.ts';
import { listChildren } from './store/metadefs-children.ts';
import {
  findNamespace,
  type NamespaceChildren,
  type NamespaceFields,
  queryNamespaces,
} from './store/metadefs-namespaces.ts';
import { listAssociations } from './store/metadefs-resource-types.ts';
import type { ImageDb, MetadefNamespaceRow } from './tables.ts';

type Json = Record<string, unknown>;

/** The namespace `name` if the caller may see it and `rule` allows the call, else 404 (or 403 for a visible one). */
export async function requireNamespace(
  db: ImageDb,
  ctx: RequestContext,
  name: string,
  rule: string,
): Promise<MetadefNamespaceRow> {
  const ns = await findNamespace(db, name);
  if (!ns || !canSeeNamespace(metadefCaller(ctx), ns)) throw namespaceNotFound(name);
  enforceOnNamespace(ctx, rule, ns);
  return ns;
}

/** Glance refuses the server-set attributes in a body with 403, before validating it. */
export function validateMetadefBody(body: unknown, schema: Json, readOnly: string[]): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('Body expected in request.');
  }
  for (const key of readOnly) {
    if (key in body) throw new ApiError(403, 'Forbidden', `Attribute '${key}' is read-only.`);
  }
  const err = metadefViolation(schema, body);
  if (err) throw new BadRequest(`Provided object does not match schema '${schema.name}': ${err}`);
  return body as Json;
}

export const NAMESPACE_READ_ONLY = ['self', 'schema', 'created_at', 'updated_at'];

/** Fields for create and for PUT: Glance fills the same defaults on both (private, unprotected, caller's project). */
export function namespaceFields(body: Json, caller: MetadefCaller): NamespaceFields {
  return {
    namespace: body.namespace as string,
    display_name: (body.display_name as string | undefined) ?? null,
    description: (body.description as string | undefined) ?? null,
    visibility: (body.visibility as 'public' | 'private' | undefined) ?? 'private',
    protected: body.protected === true ? 1 : 0,
    owner: (body.owner as string | undefined) ?? caller.projectId,
  };
}

export function namespaceChildren(body: Json): NamespaceChildren {
  const named = (items: unknown, what: string): Json[] => {
    const list = (items ?? []) as Json[];
    for (const item of list) {
      if (typeof item.name !== 'string') throw new BadRequest(`Every ${what} needs a name.`);
    }
    return list;
  };
  const objects = named(body.objects, 'object');
  for (const o of objects) checkProperties(o.properties);
  const properties = (body.properties ?? {}) as Record<string, Json>;
  checkProperties(properties);
  return {
    associations: named(body.resource_type_associations, 'resource type association').map((a) => ({
      name: a.name as string,
      prefix: (a.prefix as string | undefined) ?? null,
      properties_target: (a.properties_target as string | undefined) ?? null,
    })),
    objects: objects.map((o) => ({ name: o.name as string, body: objectBody(o) })),
    properties: Object.entries(properties).map(([name, p]) => ({ name, body: propertyBody(p) })),
    tags: named(body.tags, 'tag').map((t) => ({ name: t.name as string, body: {} })),
  };
}

/** Each property definition is checked on its own too (Glance's per-property schema forbids unknown keys). */
export function checkProperties(properties: unknown): void {
  for (const [name, p] of Object.entries((properties ?? {}) as Json)) {
    const err = metadefViolation(NAMELESS_PROPERTY_SCHEMA, p);
    if (err) throw new BadRequest(`Invalid property definition '${name}': ${err}`);
  }
}

/** GET /v2/metadefs/namespaces/{ns}: the namespace with all its children; `resourceType` prefixes names. */
export async function namespaceDetail(db: ImageDb, ns: MetadefNamespaceRow, resourceType?: string): Promise<Json> {
  const view = namespaceView(ns);
  const associations = await listAssociations(db, [ns.id]);
  const objects = await listChildren(db, 'metadef_objects', ns);
  const properties = await listChildren(db, 'metadef_properties', ns);
  const tags = await listChildren(db, 'metadef_tags', ns);
  const prefix = associations.find((a) => a.resource_type === resourceType)?.prefix ?? '';
  const prefixed = (map: Json): Json => Object.fromEntries(Object.entries(map).map(([k, v]) => [prefix + k, v]));
  if (objects.length > 0) {
    view.objects = objects.map((o) => {
      const obj = objectView(ns.namespace, o);
      if (!prefix) return obj;
      return {
        ...obj,
        properties: prefixed((obj.properties ?? {}) as Json),
        required: ((obj.required ?? []) as string[]).map((r) => prefix + r),
      };
    });
  }
  if (associations.length > 0) view.resource_type_associations = associations.map(associationView);
  if (properties.length > 0) view.properties = prefixed(propertiesMap(properties));
  if (tags.length > 0) view.tags = tags.map((t) => ({ name: t.name }));
  return view;
}

const SORT_KEYS = ['created_at', 'updated_at', 'namespace', 'display_name', 'visibility', 'owner', 'protected'];

/** GET /v2/metadefs/namespaces with Glance's filters and paging. */
export async function listNamespaces(deps: ImageDeps, ctx: RequestContext, query: Record<string, string>) {
  const { limit: limitText, marker, sort_key: sortKey = 'created_at', sort_dir: sortDir = 'desc' } = query;
  const { visibility, resource_types: resourceTypes } = query;
  if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid sort direction: ${sortDir}`);
  if (!SORT_KEYS.includes(sortKey)) throw new BadRequest(`Invalid sort key: ${sortKey}`);
  if (visibility && visibility !== 'public' && visibility !== 'private') {
    throw new BadRequest(`Invalid visibility value: ${visibility}`);
  }
  const limit = parseLimit(limitText);
  const caller = metadefCaller(ctx);
  const rows = await queryNamespaces(deps.db, {
    visibility,
    resourceTypes: resourceTypes ? resourceTypes.split(',').map((s) => s.trim()) : undefined,
  });
  const visible = rows
    .filter((ns) => canSeeNamespace(caller, ns) && ctx.allowed('get_metadef_namespace', nsTarget(ns)))
    .sort(byKey(sortKey as keyof MetadefNamespaceRow, sortDir));
  let start = 0;
  if (marker !== undefined) {
    const at = visible.findIndex((ns) => ns.namespace === marker);
    if (at < 0) throw namespaceNotFound(marker);
    start = at + 1;
  }
  const page = visible.slice(start, start + limit);
  const associations = await listAssociations(
    deps.db,
    page.map((ns) => ns.id),
  );
  const namespaces = page.map((ns) => {
    const view = namespaceView(ns);
    const own = associations.filter((a) => a.namespace_id === ns.id);
    if (own.length > 0) view.resource_type_associations = own.map(associationView);
    return view;
  });
  const params = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'marker'));
  const qs = params.toString();
  const body: Json = {
    namespaces,
    first: `/v2/metadefs/namespaces${qs ? `?${qs}` : ''}`,
    schema: '/v2/schemas/metadefs/namespaces',
  };
  if (page.length > 0 && page.length === limit) {
    params.set('marker', page[page.length - 1].namespace);
    body.next = `/v2/metadefs/namespaces?${params.toString()}`;
  }
  return body;
}

const nsTarget = (ns: MetadefNamespaceRow) => ({ project_id: ns.owner, visibility: ns.visibility });

// Glance's `limit_param_default` and `api_limit_max` defaults.
const LIMIT_DEFAULT = 25;
const LIMIT_MAX = 1000;

function parseLimit(text: string | undefined): number {
  const max = LIMIT_MAX;
  if (text === undefined) return LIMIT_DEFAULT;
  if (!/^-?\d+$/.test(text)) throw new BadRequest('limit param must be an integer');
  const n = Number(text);
  if (n < 0) throw new BadRequest('limit param must be positive');
  return Math.min(n, max);
}

function byKey(key: keyof MetadefNamespaceRow, dir: 'asc' | 'desc') {
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: string | number | null, b: string | number | null): number =>
    a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
  return (a: MetadefNamespaceRow, b: MetadefNamespaceRow) =>
    sign * (cmp(a[key], b[key]) || cmp(a.created_at, b.created_at) || cmp(a.id, b.id));
}
