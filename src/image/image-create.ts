import { BadRequest, Forbidden } from '../core/errors.ts';
import { IMAGE_SCHEMA, validateAgainst } from './image-schema.ts';
import { BASE_ATTRIBUTES, RESERVED_NAMESPACE, uniqueTags } from './json-patch.ts';

/** What POST /v2/images asks for, split as Glance splits it: image attributes, free-form properties, tags. */
export interface CreateRequest {
  id?: string;
  attributes: {
    name: string | null;
    visibility?: string;
    protected: boolean;
    os_hidden: boolean;
    disk_format: string | null;
    container_format: string | null;
    min_ram: number;
    min_disk: number;
    owner?: string | null;
  };
  properties: Record<string, string>;
  tags: string[];
}

/** Set by the server alone; naming one is 403, not 400 (Glance's ImageFactory). */
const READ_ONLY = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'size',
  'virtual_size',
];
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];
const RESERVED = ['location', 'locations', 'deleted', 'deleted_at'];
const MAX_INT = 2 ** 31 - 1;

export function parseCreateBody(body: unknown): CreateRequest {
  if (body === undefined) throw new BadRequest('Body expected in request.');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest("Provided object does not match schema 'image': the request body must be an object");
  const input = body as Record<string, unknown>;
  for (const key of DISALLOWED) if (key in input) throw new Forbidden(`Attribute '${key}' is read-only.`);
  const err = validateAgainst(IMAGE_SCHEMA, input);
  if (err) throw new BadRequest(`Provided object does not match schema 'image': ${err}`);
  for (const key of READ_ONLY) if (key in input) throw new Forbidden(`Attribute '${key}' is read-only.`);

  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'id' || BASE_ATTRIBUTES.has(key)) continue;
    if ([...key].length > 255) throw new BadRequest('Custom property should not be greater than 255 characters.');
    if (RESERVED.includes(key) || key.startsWith(RESERVED_NAMESPACE))
      throw new Forbidden(`Attribute '${key}' is reserved.`);
    // The schema lets the well-known nullable properties (kernel_id) be null; they are stored empty.
    properties[key] = value === null ? '' : String(value);
  }
  for (const key of ['min_ram', 'min_disk'] as const) {
    const v = input[key] as number | undefined;
    if (v !== undefined && (v < 0 || v > MAX_INT))
      throw new BadRequest(`Invalid value for ${key}: must be between 0 and ${MAX_INT}.`);
  }
  return {
    id: input.id as string | undefined,
    attributes: {
      name: (input.name as string | null | undefined) ?? null,
      visibility: input.visibility as string | undefined,
      protected: (input.protected as boolean | undefined) ?? false,
      os_hidden: (input.os_hidden as boolean | undefined) ?? false,
      disk_format: (input.disk_format as string | null | undefined) ?? null,
      container_format: (input.container_format as string | null | undefined) ?? null,
      min_ram: (input.min_ram as number | undefined) ?? 0,
      min_disk: (input.min_disk as number | undefined) ?? 0,
      ...('owner' in input && { owner: input.owner as string | null }),
    },
    properties,
    tags: uniqueTags((input.tags as string[] | undefined) ?? []),
  };
}
