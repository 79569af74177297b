import { isIP } from 'node:net';
import { FormatRegistry, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { badRequest } from './errors.ts';
import type { Microversion } from './microversion.ts';

const BOOL_STRINGS =
  /^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[TtFfYyNn]|[Yy][Ee][Ss]|[Nn][Oo]|[Oo][Nn]|[Oo][Ff][Ff]|1|0)$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
if (!FormatRegistry.Has('ipv4')) FormatRegistry.Set('ipv4', (v) => isIP(v) === 4);
if (!FormatRegistry.Has('ipv6')) FormatRegistry.Set('ipv6', (v) => isIP(v) === 6);

/** Nova's parameter types, as its JSON schemas spell them (nova/api/validation/parameter_types.py). */
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);
export const MetadataSchema = Type.Record(
  Type.String({ pattern: '^[a-zA-Z0-9-_:. ]{1,255}$' }),
  Type.String({ maxLength: 255 }),
  { additionalProperties: false },
);
const Ref = Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Integer({ minimum: 1 })]);
const Count = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]*[1-9][0-9]*$' })]);
const Bool = Type.Union([Type.Boolean(), Type.String({ pattern: BOOL_STRINGS.source })]);
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' });
const Personality = Type.Array(
  Type.Object(
    { path: Type.String({ minLength: 1, maxLength: 255 }), contents: Type.String() },
    { additionalProperties: false },
  ),
);

function networkEntry(mv: Microversion): TSchema {
  return Type.Object(
    {
      fixed_ip: Type.Optional(Type.String()),
      port: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
      uuid: Type.Optional(Type.String()),
      ...(mv.atLeast('2.32') && { tag: Type.Optional(Tag) }),
    },
    { additionalProperties: false },
  );
}

const BlockDevice = Type.Object(
  {
    source_type: Type.Optional(
      Type.Union([Type.Literal('volume'), Type.Literal('image'), Type.Literal('snapshot'), Type.Literal('blank')]),
    ),
    destination_type: Type.Optional(Type.Union([Type.Literal('local'), Type.Literal('volume')])),
    uuid: Type.Optional(Type.String()),
    boot_index: Type.Optional(Type.Union([Type.Integer(), Type.String(), Type.Null()])),
    device_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    device_type: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    disk_bus: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    guest_format: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    volume_size: Type.Optional(Type.Union([Type.Integer(), Type.String(), Type.Null()])),
    volume_type: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    delete_on_termination: Type.Optional(Bool),
    no_device: Type.Optional(Type.Unknown()),
    snapshot_id: Type.Optional(Type.String()),
    volume_id: Type.Optional(Type.String()),
    image_id: Type.Optional(Type.String()),
    tag: Type.Optional(Tag),
  },
  { additionalProperties: false },
);

function serverSchema(mv: Microversion): TSchema {
  const networks = Type.Array(networkEntry(mv));
  const props: Record<string, TSchema> = {
    name: Name,
    imageRef: Type.Optional(Type.String({ maxLength: 255 })),
    flavorRef: Ref,
    adminPass: Type.Optional(Type.String()),
    metadata: Type.Optional(MetadataSchema),
    networks: mv.atLeast('2.37')
      ? Type.Union([networks, Type.Literal('auto'), Type.Literal('none')])
      : Type.Optional(networks),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    accessIPv4: Type.Optional(Type.String({ format: 'ipv4' })),
    accessIPv6: Type.Optional(Type.String({ format: 'ipv6' })),
    availability_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    block_device_mapping: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    block_device_mapping_v2: Type.Optional(Type.Array(BlockDevice)),
    config_drive: Type.Optional(Type.Union([Bool, Type.Literal(''), Type.Null()])),
    key_name: Type.Optional(Type.Union([Name, Type.Null()])),
    min_count: Type.Optional(Count),
    max_count: Type.Optional(Count),
    return_reservation_id: Type.Optional(Bool),
    security_groups: Type.Optional(
      Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false })),
    ),
    user_data: Type.Optional(Type.Union([Type.String({ maxLength: 65535 }), Type.Null()])),
  };
  if (mv.atMost('2.56')) props.personality = Type.Optional(Personality);
  if (mv.atLeast('2.19')) props.description = Type.Optional(Description);
  if (mv.atLeast('2.52')) props.tags = Type.Optional(Type.Array(Tag, { maxItems: 50 }));
  if (mv.atLeast('2.63'))
    props.trusted_image_certificates = Type.Optional(
      Type.Union([
        Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
        Type.Null(),
      ]),
    );
  if (mv.atLeast('2.74')) {
    props.host = Type.Optional(Type.String({ minLength: 1, maxLength: 255 }));
    props.hypervisor_hostname = Type.Optional(Type.String({ minLength: 1, maxLength: 255 }));
  }
  if (mv.atLeast('2.90'))
    props.hostname = Type.Optional(
      Type.String({ minLength: 2, maxLength: 255, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-._]*[a-zA-Z0-9]+$' }),
    );
  return Type.Object(props, { additionalProperties: false });
}

function createSchema(mv: Microversion): TSchema {
  const hints = Type.Object(
    {
      group: Type.Optional(Type.String({ format: 'uuid' })),
      different_host: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
      same_host: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
      query: Type.Optional(Type.Unknown()),
      target_cell: Type.Optional(Type.String()),
      different_cell: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
      build_near_host_ip: Type.Optional(Type.String()),
      cidr: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  );
  return Type.Object(
    {
      server: serverSchema(mv),
      'OS-SCH-HNT:scheduler_hints': Type.Optional(hints),
      'os:scheduler_hints': Type.Optional(hints),
    },
    { additionalProperties: false },
  );
}

const compiled = new Map<string, TypeCheck<TSchema>>();

/** Checks a create body against the schema of its microversion; Nova's 400 on the first violation. */
export function validateCreateBody(body: unknown, mv: Microversion): void {
  const check = compiled.get(mv.text) ?? TypeCompiler.Compile(createSchema(mv));
  compiled.set(mv.text, check);
  assertValid(check, body);
}

/** Throws Nova's `Invalid input for field/attribute ...` 400 naming the first error. */
export function assertValid(check: TypeCheck<TSchema>, body: unknown): void {
  if (check.Check(body)) return;
  const first = check.Errors(body).First();
  const field = first?.path.replace(/^\//, '').split('/').pop() || 'body';
  throw badRequest(
    `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(first?.value)}. ${first?.message ?? 'is invalid'}`,
  );
}

/** Nova's strict boolean strings. */
export function asBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  return /^(true|t|yes|y|on|1)$/i.test(String(v ?? ''));
}

export const isUuidLike = (v: string): boolean => UUID.test(v);
