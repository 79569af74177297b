import { type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentMethod } from './agent/rpc.ts';
import { imagePropertiesOf } from './clients/image.ts';
import { badRequest } from './errors.ts';
import { TaskState } from './instance-state.ts';
import { updateInstance, visibleInstanceOr404 } from './instance-store.ts';
import type { Microversion } from './microversion.ts';
import { checkQuota } from './quotas.ts';
import { enforceNova } from './server-access.ts';
import { type ActionCall, type ActionSpec, actRequest } from './server-action-context.ts';
import { imageFor } from './server-create.ts';
import { canonicalIpv6, idOfRef } from './server-create-input.ts';
import { assertValid, isUuidLike, MetadataSchema } from './server-create-schema.ts';
import { renderServer } from './server-render.ts';
import { flavorOf, TRUSTED_CERTS_KEY } from './server-view.ts';
import type { InstanceRow } from './tables.ts';

const checks = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();

function rebuildCheck(mv: Microversion) {
  const cached = checks.get(mv.text);
  if (cached) return cached;
  const props: Record<string, TSchema> = {
    imageRef: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    adminPass: Type.Optional(Type.String()),
    metadata: Type.Optional(MetadataSchema),
    preserve_ephemeral: Type.Optional(Type.Boolean()),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    accessIPv4: Type.Optional(Type.String({ format: 'ipv4' })),
    accessIPv6: Type.Optional(Type.String({ format: 'ipv6' })),
  };
  if (mv.atMost('2.56'))
    props.personality = Type.Optional(Type.Array(Type.Object({ path: Type.String(), contents: Type.String() })));
  if (mv.atLeast('2.19')) props.description = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]));
  if (mv.atLeast('2.54'))
    props.key_name = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()]));
  if (mv.atLeast('2.57')) props.user_data = Type.Optional(Type.Union([Type.String({ maxLength: 65535 }), Type.Null()]));
  if (mv.atLeast('2.63'))
    props.trusted_image_certificates = Type.Optional(
      Type.Union([Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 50 }), Type.Null()]),
    );
  if (mv.atLeast('2.90'))
    props.hostname = Type.Optional(
      Type.String({ minLength: 2, maxLength: 255, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-._]*[a-zA-Z0-9]+$' }),
    );
  const check = TypeCompiler.Compile(Type.Object(props, { additionalProperties: false }));
  checks.set(mv.text, check);
  return check;
}

/** Rebuild: a new image (and optionally name, metadata, key, user data) on the same server, then the cast. */
async function rebuild(call: ActionCall) {
  const mv = call.req.microversion;
  assertValid(rebuildCheck(mv), call.body);
  // biome-ignore lint/suspicious/noExplicitAny: validated above.
  const b = call.body as Record<string, any>;
  const row = call.row;
  const imageId = idOfRef(b.imageRef);
  if (!isUuidLike(imageId)) throw badRequest('Invalid imageRef provided.');
  if (b.trusted_image_certificates)
    enforceNova(call.req, 'os_compute_api:servers:rebuild:trusted_certs', {
      project_id: row.project_id,
      user_id: row.user_id,
    });
  const flavor = flavorOf(row);
  const image = await imageFor(call.deps, call.caller, imageId, flavor);
  if (!image) throw badRequest('Can not find requested image');
  if (b.name !== undefined && b.name.trim() !== b.name) throw badRequest('Invalid input for field/attribute name.');
  if (b.user_data && !/^[A-Za-z0-9+/\s]*={0,2}$/.test(b.user_data))
    throw badRequest('User data needs to be valid base 64.');
  const changes: Partial<InstanceRow> = { image_ref: image.id };
  if (b.name !== undefined) changes.display_name = b.name;
  if (b.accessIPv4 !== undefined) changes.access_ip_v4 = b.accessIPv4;
  if (b.accessIPv6 !== undefined) changes.access_ip_v6 = canonicalIpv6(b.accessIPv6);
  if (b['OS-DCF:diskConfig'] !== undefined) changes.disk_config = b['OS-DCF:diskConfig'];
  if ('description' in b) changes.display_description = b.description ?? null;
  if ('user_data' in b) changes.user_data = b.user_data ?? null;
  if (b.hostname !== undefined) changes.hostname = b.hostname;
  if ('key_name' in b) {
    if (b.key_name === null) Object.assign(changes, { key_name: null, key_data: null });
    else {
      const key = await call.deps.db
        .selectFrom('key_pairs')
        .selectAll()
        .where('user_id', '=', row.user_id)
        .where('name', '=', b.key_name)
        .executeTakeFirst();
      if (!key) throw badRequest('Invalid key_name provided.');
      Object.assign(changes, { key_name: key.name, key_data: key.public_key });
    }
  }
  if (b.metadata)
    await checkQuota(
      call.deps,
      { project_id: row.project_id, user_id: row.user_id },
      { metadata_items: Object.keys(b.metadata).length },
    );
  const adminPass: string = b.adminPass ?? randomPassword();
  const props = imagePropertiesOf(image);
  await call.deps.db.transaction().execute(async (trx) => {
    await updateInstance(trx, row.uuid, changes);
    if (b.metadata) {
      await trx.deleteFrom('instance_metadata').where('instance_uuid', '=', row.uuid).execute();
      const meta = Object.entries(b.metadata as Record<string, string>).map(([key, value]) => ({
        instance_uuid: row.uuid,
        key,
        value,
      }));
      if (meta.length > 0) await trx.insertInto('instance_metadata').values(meta).execute();
    }
    await trx
      .deleteFrom('instance_system_metadata')
      .where('instance_uuid', '=', row.uuid)
      .where('key', 'like', 'image_%')
      .execute();
    // An object, so an image property named like one of Nova's own keys (snapshots carry base_image_ref) is kept once.
    const facts: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) facts[`image_${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
    facts.image_base_image_ref = image.id;
    facts.image_min_ram = String(image.min_ram ?? 0);
    facts.image_min_disk = String(image.min_disk ?? 0);
    if (image.disk_format) facts.image_disk_format = image.disk_format;
    if (image.container_format) facts.image_container_format = image.container_format;
    const sys = Object.entries(facts).map(([key, value]) => ({
      instance_uuid: row.uuid,
      key,
      value: value.slice(0, 65535),
    }));
    await trx.insertInto('instance_system_metadata').values(sys).execute();
    if ('trusted_image_certificates' in b) {
      await trx
        .deleteFrom('instance_system_metadata')
        .where('instance_uuid', '=', row.uuid)
        .where('key', '=', TRUSTED_CERTS_KEY)
        .execute();
      if (b.trusted_image_certificates)
        await trx
          .insertInto('instance_system_metadata')
          .values({
            instance_uuid: row.uuid,
            key: TRUSTED_CERTS_KEY,
            value: JSON.stringify(b.trusted_image_certificates),
          })
          .execute();
    }
  });
  await call.deps.conductor.act(
    actRequest(call, 'rebuild', AgentMethod.rebuild, TaskState.rebuilding, {
      preserve_ephemeral: b.preserve_ephemeral === true,
      admin_pass: adminPass,
      preserve_stopped: row.vm_state === 'stopped',
    }),
  );
  const fresh = await visibleInstanceOr404(call.deps.db, call.caller, row.uuid);
  const server = await renderServer(call.req, call.deps, fresh, 'rebuild');
  server.adminPass = adminPass;
  if (mv.atLeast('2.57')) server.user_data = fresh.user_data;
  call.reply.code(202).header('location', call.deps.url(`/v2.1/servers/${row.uuid}`));
  return { server };
}

function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 12 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

export const rebuildActions: Record<string, ActionSpec> = {
  rebuild: { policy: 'os_compute_api:servers:rebuild', lock: true, state: 'rebuild', handle: rebuild },
};
