import { BadRequest, Conflict, Forbidden, UnsupportedMediaType } from '../core/errors.ts';
import { IMAGE_SCHEMA, type JsonSchema, validateAgainst } from './image-schema.ts';

/**
 * Glance's image PATCH: a JSON-patch dialect chosen by Content-Type. 2.1 (`{"op": "add", "path": ..., "value"}`,
 * draft 10) lets `add` overwrite; 2.0 (`{"add": "/path", "value": ...}`, draft 4) answers 409 when the property is
 * already there. Paths are one level deep (`/name`, `/tags`, `/hw_disk_bus`) except `/locations/N`.
 */
export const PATCH_MEDIA_TYPES: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};

export type PatchOp = 'add' | 'remove' | 'replace';

export interface PatchChange {
  op: PatchOp;
  /** The decoded JSON pointer, one token per level. */
  path: string[];
  value?: unknown;
  draft: 4 | 10;
}

const OPS: readonly PatchOp[] = ['add', 'remove', 'replace'];
const READ_ONLY = new Set([
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
  'os_hash_algo',
  'os_hash_value',
  // Glance refuses `stores` only on create; it is computed from the locations, so it can never be set.
  'stores',
]);
const RESERVED = new Set(['location', 'deleted', 'deleted_at']);
/** Properties under this prefix are Glance's own bookkeeping; clients may neither set nor remove them. */
export const RESERVED_NAMESPACE = 'os_glance';

/** Image attributes (not free-form properties): replaced in place, never removed. */
export const BASE_ATTRIBUTES = new Set([
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'min_ram',
  'min_disk',
  'owner',
  'tags',
]);

/** Throws 403 for a property the client may not write. */
export function refuseProtectedName(name: string): void {
  if (READ_ONLY.has(name)) throw new Forbidden(`Attribute '${name}' is read-only.`);
  if (RESERVED.has(name) || name.startsWith(RESERVED_NAMESPACE))
    throw new Forbidden(`Attribute '${name}' is reserved.`);
}

/** Parses and checks a PATCH body; the content type is the raw header value. */
export function parsePatch(contentType: string | undefined, body: unknown): PatchChange[] {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const draft = PATCH_MEDIA_TYPES[mediaType];
  if (draft === undefined) {
    throw new UnsupportedMediaType(
      `Image PATCH expects Content-Type one of: ${Object.keys(PATCH_MEDIA_TYPES).sort().join(', ')}`,
    );
  }
  if (body === undefined) throw new BadRequest('Body expected in request.');
  if (!Array.isArray(body)) throw new BadRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw) => parseChange(raw, draft));
}

function parseChange(raw: unknown, draft: 4 | 10): PatchChange {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new BadRequest('Operations must be JSON objects.');
  const obj = raw as Record<string, unknown>;
  let op: PatchOp;
  let pointer: unknown;
  if (draft === 10) {
    if (obj.op === undefined)
      throw new BadRequest(
        `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPS.join(', ')}.`,
      );
    if (!OPS.includes(obj.op as PatchOp))
      throw new BadRequest(
        `Invalid operation: \`${String(obj.op)}\`. It must be one of the following: ${OPS.join(', ')}.`,
      );
    op = obj.op as PatchOp;
    if (!('path' in obj)) throw new BadRequest("Unable to find 'path' in JSON Schema change");
    pointer = obj.path;
  } else {
    const present = OPS.filter((o) => o in obj);
    if (present.length > 1)
      throw new BadRequest('Operation objects must contain only one member named "add", "remove", or "replace".');
    if (present.length === 0)
      throw new BadRequest('Operation objects must contain exactly one member named "add", "remove", or "replace".');
    op = present[0];
    pointer = obj[op];
  }
  if (typeof pointer !== 'string') throw new BadRequest(`Pointer \`${String(pointer)}\` does not start with "/".`);
  const path = decodePointer(pointer);
  const depth = path[0] === 'locations' ? (op === 'replace' ? 1 : 2) : 1;
  if (path.length !== depth) throw new BadRequest(`Invalid JSON pointer for this resource: '/${path.join('/')}'`);
  const change: PatchChange = { op, path, draft };
  if (op !== 'remove') {
    if (!('value' in obj)) throw new BadRequest(`Operation "${op}" requires a member named "value".`);
    change.value = obj.value;
  }
  refuseProtectedName(path[0]);
  if (op !== 'remove' && path.length === 1) {
    const err = validateAgainst(IMAGE_SCHEMA, { [path[0]]: change.value });
    if (err) throw new BadRequest(`Provided object does not match schema 'image': ${err}`);
  }
  return change;
}

/** RFC 6901 pointers, with Glance's extra refusals (adjacent or trailing slashes, stray `~`). */
export function decodePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw new BadRequest(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/')) throw new BadRequest(`Pointer \`${pointer}\` end with "/".`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~'))
    throw new BadRequest(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~').trim());
}

/** What a PATCH may change: the writable attributes, the free-form properties and the tags. */
export interface ImageDoc {
  status: string;
  attributes: Record<string, unknown>;
  properties: Record<string, string>;
  tags: string[];
}

/**
 * Applies the changes in order to a copy of `doc`. `isAdmin` gates `/owner` (Glance: only admins move images).
 * Location changes are refused: Strata keeps locations to itself (Glance's `show_multiple_locations = false`).
 */
export function applyPatch(doc: ImageDoc, changes: readonly PatchChange[], opts: { isAdmin: boolean }): ImageDoc {
  const next: ImageDoc = {
    status: doc.status,
    attributes: { ...doc.attributes },
    properties: { ...doc.properties },
    tags: [...doc.tags],
  };
  for (const change of changes) {
    const name = change.path[0];
    if (name === 'locations') throw new Forbidden('It is not allowed to update locations of an image.');
    if (change.op === 'remove') {
      if (BASE_ATTRIBUTES.has(name)) throw new Forbidden(`Property ${name} may not be removed.`);
      if (!(name in next.properties)) throw new Conflict(`Property ${name} does not exist.`);
      delete next.properties[name];
      continue;
    }
    if (name === 'owner' && change.op === 'replace' && !opts.isAdmin)
      throw new Forbidden("Owner can't be updated by non admin.");
    const exists = BASE_ATTRIBUTES.has(name) || name in next.properties;
    if (change.op === 'add' && change.draft === 4 && exists) throw new Conflict(`Property ${name} already present.`);
    if (change.op === 'replace' && !exists) throw new Conflict(`Property ${name} does not exist.`);
    if (name === 'tags') next.tags = uniqueTags(change.value as string[]);
    else if (BASE_ATTRIBUTES.has(name)) setAttribute(next, name, change.value);
    else next.properties[name] = propertyValue(name, change.value);
  }
  return next;
}

function setAttribute(doc: ImageDoc, name: string, value: unknown): void {
  // Glance's domain model: formats describe the data, so they are fixed once data exists.
  if (
    (name === 'disk_format' || name === 'container_format') &&
    doc.status !== 'queued' &&
    value !== doc.attributes[name]
  )
    throw new Forbidden(`Attribute ${name} can be only replaced for a queued image.`);
  if ((name === 'min_ram' || name === 'min_disk') && ((value as number) < 0 || (value as number) > 2 ** 31 - 1))
    throw new BadRequest(`Invalid value for ${name}: must be between 0 and ${2 ** 31 - 1}.`);
  doc.attributes[name] = value;
}

/** Free-form values are strings in the schema; the well-known nullable ones (kernel_id) may be null: kept as ''. */
function propertyValue(name: string, value: unknown): string {
  const schema: JsonSchema | undefined = IMAGE_SCHEMA.properties?.[name];
  if (value === null && schema) return '';
  return String(value);
}

/** Glance keeps tags as a set, in the order first given. */
export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}
