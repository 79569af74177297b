/**
 * The JSON schemas of Glance's metadata definitions, served at /v2/schemas/metadefs/* and used to validate
 * request bodies as Glance does (a body breaking them is 400; every item schema forbids unknown keys).
 * Their shape follows Glance's: `definitions` shared through `$ref`, collection schemas with paging links.
 */
import { type JsonSchema, validateAgainst } from './image-schema.ts';

const PROPERTY_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string', null];
const readOnlyString = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', readOnly: true, ...extra });
const timestamps = (what: string): Record<string, JsonSchema> => ({
  created_at: readOnlyString({ description: `When the ${what} was created`, format: 'date-time' }),
  updated_at: readOnlyString({ description: `When the ${what} was last changed`, format: 'date-time' }),
});

/** The keywords one property definition may carry (a subset of JSON schema, as Glance's PropertyType). */
const PROPERTY_KEYWORDS: Record<string, JsonSchema> = {
  name: { type: 'string', maxLength: 80 },
  title: { type: 'string' },
  description: { type: 'string' },
  operators: { type: 'array', items: { type: 'string' } },
  type: { type: 'string', enum: PROPERTY_TYPES },
  required: { $ref: '#/definitions/stringArray' },
  minimum: { type: 'number' },
  maximum: { type: 'number' },
  maxLength: { $ref: '#/definitions/positiveInteger' },
  minLength: { $ref: '#/definitions/positiveIntegerDefault0' },
  pattern: { type: 'string', format: 'regex' },
  enum: { type: 'array' },
  readonly: { type: 'boolean' },
  default: {},
  items: {
    type: 'object',
    properties: { type: { type: 'string', enum: PROPERTY_TYPES }, enum: { type: 'array' } },
  },
  maxItems: { $ref: '#/definitions/positiveInteger' },
  minItems: { $ref: '#/definitions/positiveIntegerDefault0' },
  uniqueItems: { type: 'boolean', default: false },
  additionalItems: { type: 'boolean' },
};

const DEFINITIONS: Record<string, JsonSchema> = {
  positiveInteger: { type: 'integer', minimum: 0 },
  positiveIntegerDefault0: { allOf: [{ $ref: '#/definitions/positiveInteger' }, { default: 0 }] },
  stringArray: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  property: {
    type: 'object',
    additionalProperties: { type: 'object', required: ['title', 'type'], properties: PROPERTY_KEYWORDS },
  },
};

const strict = (
  name: string,
  properties: Record<string, JsonSchema>,
  required: string[],
  definitions?: Record<string, JsonSchema>,
): JsonSchema => ({
  name,
  properties,
  additionalProperties: false,
  ...(definitions && { definitions }),
  ...(required.length > 0 && { required }),
});

/** Glance's CollectionSchema (array) or DictCollectionSchema (map by name), with the item's definitions hoisted. */
function collection(name: string, item: JsonSchema, shape: 'array' | 'object'): JsonSchema {
  const { definitions, ...itemBody } = item;
  return {
    name,
    properties: {
      [name]:
        shape === 'array' ? { type: 'array', items: itemBody } : { type: 'object', additionalProperties: itemBody },
      first: { type: 'string' },
      next: { type: 'string' },
      schema: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
    ...(definitions !== undefined && { definitions }),
  };
}

const ASSOCIATION_PROPERTIES: Record<string, JsonSchema> = {
  name: { type: 'string', description: 'A resource type name, as Heat spells it (OS::Nova::Flavor)', maxLength: 80 },
  prefix: { type: 'string', description: 'Prefix, separator included, of the properties on that type', maxLength: 80 },
  properties_target: {
    type: 'string',
    description: 'Which key/value set of the resource the properties apply to (Cinder volumes: image)',
    maxLength: 80,
  },
  ...timestamps('association'),
};

export const NAMESPACE_SCHEMA = strict(
  'namespace',
  {
    namespace: { type: 'string', description: 'Unique name of the namespace', maxLength: 80 },
    display_name: { type: 'string', description: 'Name a UI shows', maxLength: 80 },
    description: { type: 'string', description: 'What the namespace is for', maxLength: 500 },
    visibility: { type: 'string', description: 'Who may see the namespace', enum: ['public', 'private'] },
    protected: { type: 'boolean', description: 'A protected namespace cannot be deleted' },
    owner: { type: 'string', description: 'Owning project', maxLength: 255 },
    ...timestamps('namespace'),
    schema: readOnlyString(),
    self: readOnlyString(),
    resource_type_associations: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, prefix: { type: 'string' }, properties_target: { type: 'string' } },
      },
    },
    properties: { $ref: '#/definitions/property' },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          required: { $ref: '#/definitions/stringArray' },
          properties: { $ref: '#/definitions/property' },
        },
      },
    },
    tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
  ['namespace'],
  DEFINITIONS,
);

export const OBJECT_SCHEMA = strict(
  'object',
  {
    name: { type: 'string', maxLength: 80 },
    description: { type: 'string' },
    required: { $ref: '#/definitions/stringArray' },
    properties: { $ref: '#/definitions/property' },
    schema: readOnlyString(),
    self: readOnlyString(),
    ...timestamps('object'),
  },
  ['name'],
  DEFINITIONS,
);

// A property on its own has no `definitions.property`, and its string arrays must not be empty.
const PROPERTY_DEFINITIONS: Record<string, JsonSchema> = {
  positiveInteger: DEFINITIONS.positiveInteger,
  positiveIntegerDefault0: DEFINITIONS.positiveIntegerDefault0,
  stringArray: { ...DEFINITIONS.stringArray, minItems: 1 },
};
export const PROPERTY_SCHEMA = strict('property', PROPERTY_KEYWORDS, ['type', 'title', 'name'], PROPERTY_DEFINITIONS);
/** A property inside an object or a namespace body: its name is the map key. */
export const NAMELESS_PROPERTY_SCHEMA = { ...PROPERTY_SCHEMA, required: ['type', 'title'] };

export const TAG_SCHEMA = strict('tag', { name: { type: 'string', maxLength: 80 }, ...timestamps('tag') }, ['name']);
export const TAGS_BODY_SCHEMA = strict(
  'tags',
  {
    tags: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' } },
        required: ['name'],
        additionalProperties: false,
      },
    },
  },
  [],
);

export const RESOURCE_TYPE_SCHEMA = strict('resource_type_association', ASSOCIATION_PROPERTIES, ['name']);

/** What GET /v2/schemas/metadefs/{name} serves. */
export const METADEF_SCHEMAS: Record<string, JsonSchema> = {
  namespace: NAMESPACE_SCHEMA,
  namespaces: collection('namespaces', NAMESPACE_SCHEMA, 'array'),
  object: OBJECT_SCHEMA,
  objects: collection('objects', OBJECT_SCHEMA, 'array'),
  property: PROPERTY_SCHEMA,
  properties: collection('properties', { ...PROPERTY_SCHEMA, required: ['type', 'title'] }, 'object'),
  tag: TAG_SCHEMA,
  tags: collection('tags', TAG_SCHEMA, 'array'),
  resource_type: RESOURCE_TYPE_SCHEMA,
  resource_types: collection('resource_type_associations', RESOURCE_TYPE_SCHEMA, 'array'),
};

/**
 * The first way `value` breaks `schema`, or undefined. `$ref`s are inlined first (validateAgainst knows no
 * references), and the few keywords it lacks here (`minimum`, `uniqueItems`, `minItems`) are checked beside it.
 */
export function metadefViolation(schema: JsonSchema, value: unknown): string | undefined {
  const resolved = inline(schema, (schema.definitions as Record<string, JsonSchema>) ?? {});
  return validateAgainst(resolved, value) ?? extraKeywords(resolved, value, '');
}

function inline(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  if (typeof schema.$ref === 'string') return inline(defs[schema.$ref.split('/').pop() as string] ?? {}, defs);
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'definitions') continue;
    if (key === 'allOf') {
      for (const part of value as JsonSchema[]) Object.assign(out, inline(part, defs));
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, inline(v, defs)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object' && value) {
      out[key] = inline(value as JsonSchema, defs);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function extraKeywords(schema: JsonSchema, value: unknown, path: string): string | undefined {
  const at = path === '' ? '' : ` at '${path}'`;
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    return `${value} is less than the minimum of ${schema.minimum}${at}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return `[] is too short${at}`;
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
      return `${JSON.stringify(value)} has non-unique elements${at}`;
    }
    if (schema.items) {
      for (const [i, item] of value.entries()) {
        const err = extraKeywords(schema.items, item, `${path}/${i}`);
        if (err) return err;
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const sub =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      const err = sub && extraKeywords(sub, v, `${path}/${key}`);
      if (err) return err;
    }
  }
  return undefined;
}
