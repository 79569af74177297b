/**
 * The JSON schemas Glance publishes at /v2/schemas/{image,images,member,members}. python-glanceclient downloads
 * the image schema and validates every create and PATCH against it before sending, so its shape (nullable types,
 * format enums, `additionalProperties: {type: string}`) is part of the API. The server validates with the same
 * schema (`validateAgainst`), as Glance does.
 */

/** Glance's default `[image_format]` lists; an unknown format is 400 on create and update. */
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];

const UUID_PATTERN = '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  [annotation: string]: unknown;
}

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const readOnly = (schema: JsonSchema): JsonSchema => ({ ...schema, readOnly: true });

const BASE_PROPERTIES: Record<string, JsonSchema> = {
  id: str('An identifier for the image', { pattern: UUID_PATTERN }),
  name: { type: ['null', 'string'], description: 'Descriptive name for the image', maxLength: 255 },
  status: readOnly(
    str('Status of the image', {
      enum: [
        'queued',
        'saving',
        'active',
        'killed',
        'deleted',
        'uploading',
        'importing',
        'pending_delete',
        'deactivated',
      ],
    }),
  ),
  visibility: str('Scope of image accessibility', { enum: ['community', 'public', 'private', 'shared'] }),
  protected: { type: 'boolean', description: 'If true, image will not be deletable.' },
  os_hidden: { type: 'boolean', description: 'If true, image will not appear in default image list response.' },
  checksum: readOnly({ type: ['null', 'string'], description: 'md5 hash of image contents.', maxLength: 32 }),
  os_hash_algo: readOnly({
    type: ['null', 'string'],
    description: 'Algorithm to calculate the os_hash_value',
    maxLength: 64,
  }),
  os_hash_value: readOnly({
    type: ['null', 'string'],
    description: 'Hexdigest of the image contents using the algorithm specified by the os_hash_algo',
    maxLength: 128,
  }),
  owner: { type: ['null', 'string'], description: 'Owner of the image', maxLength: 255 },
  size: readOnly({ type: ['null', 'integer'], description: 'Size of image file in bytes' }),
  virtual_size: readOnly({ type: ['null', 'integer'], description: 'Virtual size of image in bytes' }),
  container_format: {
    type: ['null', 'string'],
    description: 'Format of the container',
    enum: [null, ...CONTAINER_FORMATS],
  },
  disk_format: { type: ['null', 'string'], description: 'Format of the disk', enum: [null, ...DISK_FORMATS] },
  created_at: readOnly(str('Date and time of image registration')),
  updated_at: readOnly(str('Date and time of the last image modification')),
  tags: {
    type: 'array',
    description: 'List of strings related to the image',
    items: { type: 'string', maxLength: 255 },
  },
  direct_url: readOnly(str('URL to access the image file kept in external store')),
  min_ram: { type: 'integer', description: 'Amount of ram (in MB) required to boot image.' },
  min_disk: { type: 'integer', description: 'Amount of disk space (in GB) required to boot image.' },
  self: readOnly(str('An image self url')),
  file: readOnly(str('An image file url')),
  stores: readOnly(
    str(
      'Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.',
    ),
  ),
  schema: readOnly(str('An image schema url')),
  locations: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        url: { type: 'string', maxLength: 255 },
        metadata: { type: 'object' },
        validation_data: {
          description:
            "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
          type: 'object',
          writeOnly: true,
          additionalProperties: false,
          properties: {
            checksum: { type: 'string', minLength: 32, maxLength: 32 },
            os_hash_algo: { type: 'string', maxLength: 64 },
            os_hash_value: { type: 'string', maxLength: 128 },
          },
          required: ['os_hash_algo', 'os_hash_value'],
        },
      },
      required: ['url', 'metadata'],
    },
    description: 'A set of URLs to access the image file kept in external store',
  },
};

/** etc/schema-image.json, which Glance installs and loads by default: well-known optional properties. */
const PROPERTY_KEYS_DOC = 'https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html';
const CUSTOM_PROPERTIES: Record<string, JsonSchema> = {
  kernel_id: {
    type: ['null', 'string'],
    pattern: UUID_PATTERN,
    description: 'ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.',
  },
  ramdisk_id: {
    type: ['null', 'string'],
    pattern: UUID_PATTERN,
    description: 'ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.',
  },
  instance_uuid: str(
    'Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)',
  ),
  architecture: { description: `Operating system architecture as specified in ${PROPERTY_KEYS_DOC}`, type: 'string' },
  os_distro: {
    description: `Common name of operating system distribution as specified in ${PROPERTY_KEYS_DOC}`,
    type: 'string',
  },
  os_version: { description: 'Operating system version as specified by the distributor.', type: 'string' },
  description: { description: 'A human-readable string describing this image.', type: 'string' },
  cinder_encryption_key_id: {
    description:
      'Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image',
    type: 'string',
  },
  cinder_encryption_key_deletion_policy: {
    description:
      "States the condition under which the Image Service will delete the object associated with the 'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will take no action",
    type: 'string',
    enum: ['on_image_deletion', 'do_not_delete'],
  },
};

export const IMAGE_SCHEMA: JsonSchema = {
  name: 'image',
  properties: {
    ...BASE_PROPERTIES,
    ...Object.fromEntries(Object.entries(CUSTOM_PROPERTIES).map(([k, v]) => [k, { ...v, is_base: false }])),
  },
  additionalProperties: { type: 'string' },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};

const collectionOf = (name: string, item: JsonSchema, withPaging: boolean): JsonSchema => ({
  name,
  properties: {
    [name]: { type: 'array', items: item },
    ...(withPaging && { first: { type: 'string' }, next: { type: 'string' } }),
    schema: { type: 'string' },
  },
  links: [
    ...(withPaging
      ? [
          { rel: 'first', href: '{first}' },
          { rel: 'next', href: '{next}' },
        ]
      : []),
    { rel: 'describedby', href: '{schema}' },
  ],
});

export const IMAGES_SCHEMA = collectionOf('images', IMAGE_SCHEMA, true);

const MEMBER_PROPERTIES: Record<string, JsonSchema> = {
  member_id: str('An identifier for the image member (tenantId)'),
  image_id: str('An identifier for the image', { pattern: UUID_PATTERN }),
  created_at: str('Date and time of image member creation'),
  updated_at: str('Date and time of last modification of image member'),
  status: str('The status of this image member', { enum: ['pending', 'accepted', 'rejected'] }),
  schema: { readOnly: true, type: 'string' },
};

// Glance serves the member schemas in their "minimal" form: no additionalProperties, no paging links.
export const MEMBER_SCHEMA: JsonSchema = { name: 'member', properties: MEMBER_PROPERTIES };
export const MEMBERS_SCHEMA = collectionOf('members', MEMBER_SCHEMA, false);

/**
 * The first way `value` breaks `schema`, as a sentence, or undefined. Covers the keywords these schemas use;
 * annotations (`readOnly`, `description`) are ignored as a validator would.
 */
export function validateAgainst(schema: JsonSchema, value: unknown, path = ''): string | undefined {
  const at = path === '' ? '' : ` at '${path}'`;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => isType(t, value))) return `${JSON.stringify(value)} is not of type ${types.join(', ')}${at}`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    return `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}${at}`;
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      return `${JSON.stringify(value)} is too long${at}`;
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      return `${JSON.stringify(value)} is too short${at}`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      return `${JSON.stringify(value)} does not match '${schema.pattern}'${at}`;
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, item] of value.entries()) {
      const err = validateAgainst(schema.items, item, `${path}/${i}`);
      if (err) return err;
    }
  }
  if (isType('object', value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) return `'${key}' is a required property${at}`;
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub) {
        const err = validateAgainst(sub, v, `${path}/${key}`);
        if (err) return err;
      } else if (schema.additionalProperties === false) {
        return `Additional properties are not allowed ('${key}' was unexpected)${at}`;
      } else if (typeof schema.additionalProperties === 'object') {
        const err = validateAgainst(schema.additionalProperties, v, `${path}/${key}`);
        if (err) return err;
      }
    }
  }
  return undefined;
}

function isType(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}
