/**
 * The JSON Glance shows for metadata definitions. Glance's models drop unset and null attributes, so absent
 * columns are left out rather than shown as null. Links are relative, as in the rest of Glance v2.
 */
import type { MetadefAssociationRow, MetadefChildRow, MetadefNamespaceRow } from './tables.ts';

type Json = Record<string, unknown>;

const withoutNulls = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));

export const namespaceHref = (name: string): string => `/v2/metadefs/namespaces/${name}`;

export function namespaceView(ns: MetadefNamespaceRow): Json {
  return withoutNulls({
    namespace: ns.namespace,
    display_name: ns.display_name,
    description: ns.description,
    visibility: ns.visibility,
    protected: ns.protected === 1,
    owner: ns.owner,
    created_at: ns.created_at,
    updated_at: ns.updated_at,
    self: namespaceHref(ns.namespace),
    schema: '/v2/schemas/metadefs/namespace',
  });
}

export const parseBody = (row: MetadefChildRow): Json => JSON.parse(row.body) as Json;

export function objectView(namespace: string, row: MetadefChildRow): Json {
  return withoutNulls({
    name: row.name,
    ...parseBody(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    self: `${namespaceHref(namespace)}/objects/${row.name}`,
    schema: '/v2/schemas/metadefs/object',
  });
}

/** One property definition; inside a `properties` map its name is the key, so it is left out there. */
export function propertyView(row: MetadefChildRow, withName: boolean): Json {
  return withName ? { name: row.name, ...parseBody(row) } : parseBody(row);
}

export const propertiesMap = (rows: MetadefChildRow[]): Json =>
  Object.fromEntries(rows.map((r) => [r.name, propertyView(r, false)]));

export const tagView = (row: MetadefChildRow): Json => ({
  name: row.name,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function associationView(row: MetadefAssociationRow): Json {
  return withoutNulls({
    name: row.resource_type,
    prefix: row.prefix,
    properties_target: row.properties_target,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

/** The keys a stored property definition keeps (Glance's PropertyType attributes, `name` aside). */
const PROPERTY_KEYS = [
  'type',
  'title',
  'description',
  'operators',
  'default',
  'readonly',
  'minimum',
  'maximum',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'confidential',
  'items',
  'uniqueItems',
  'minItems',
  'maxItems',
  'additionalItems',
];

export function propertyBody(input: Json): Json {
  const out: Json = {};
  for (const key of PROPERTY_KEYS) if (input[key] !== undefined && input[key] !== null) out[key] = input[key];
  return out;
}

/** An object's stored body: its description, required list and property definitions. */
export function objectBody(input: Json): Json {
  const properties = (input.properties ?? {}) as Record<string, Json>;
  return withoutNulls({
    description: input.description ?? null,
    required: input.required ?? [],
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, propertyBody(v)])),
  });
}
