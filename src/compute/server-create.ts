import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { imagePropertiesOf } from './clients/image.ts';
import type { GlanceImage, RequestSpec, ResolvedNetworks } from './clients/types.ts';
import type { ComputeDeps } from './deps.ts';
import { badRequest, forbidden } from './errors.ts';
import { findFlavor, flavorSnapshotOf } from './flavor-store.ts';
import { checkQuota, projectLimits } from './quotas.ts';
import { actionContextOf, enforceNova, type ServerCaller } from './server-access.ts';
import { type CreateInput, sanitizeHostname } from './server-create-input.ts';
import { SECURITY_GROUPS_KEY, TRUSTED_CERTS_KEY } from './server-view.ts';
import type { FlavorRow, InstanceRow } from './tables.ts';

const S = 'os_compute_api:servers';

export interface CreateResult {
  rows: InstanceRow[];
  adminPass: string;
  reservationId: string;
}

/**
 * Nova's create: policy, flavor, image, key pair, zone, group, networks and quotas checked in Nova's order, then
 * every instance row (building / scheduling) written in one transaction and the build handed to the conductor.
 */
export async function createServers(
  req: FastifyRequest,
  deps: ComputeDeps,
  caller: ServerCaller,
  input: CreateInput,
): Promise<CreateResult> {
  const target = { project_id: caller.projectId, user_id: caller.userId };
  if (input.forcedHost || input.forcedNode) enforceNova(req, `${S}:create:forced_host`, target);
  if (input.requestedHost || input.requestedNode) {
    enforceNova(req, `${S}:create:requested_destination`, target);
    if (input.forcedHost || input.forcedNode)
      throw badRequest(
        'One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are mutually exclusive.',
      );
  }
  if (Array.isArray(input.networks) && input.networks.length > 0)
    enforceNova(req, `${S}:create:attach_network`, target);
  if (input.blockDevices.length > 0) enforceNova(req, `${S}:create:attach_volume`, target);
  if (input.trustedCerts) enforceNova(req, `${S}:create:trusted_certs`, target);

  const flavor = await flavorFor(deps, caller, input.flavorId);
  if (
    input.blockDevices.some(
      (b) => b.source_type === 'volume' || b.source_type === 'snapshot' || b.destination_type === 'volume',
    )
  )
    throw badRequest('Block Device Mapping is Invalid: the Block Storage service is not available.');
  const image = await imageFor(deps, caller, input.imageId, flavor);
  if (flavor.root_gb === 0 && image && !req.ctx.allowed(`${S}:create:zero_disk_flavor`, target))
    throw forbidden('Only volume-backed servers are allowed for flavors with zero disk.');
  const key = input.keyName ? await keyPairFor(deps, caller, input.keyName) : null;
  const az = await zoneFor(deps, input);
  if (input.requestedHost || input.requestedNode) await checkRequestedDestination(deps, input);
  const group = await groupFor(deps, caller, input.hints.group);
  await checkQuota(deps, target, { metadata_items: Object.keys(input.metadata).length });
  if (input.personality.length > 0) await checkInjectedFiles(deps, caller.projectId, input.personality);

  const networks: ResolvedNetworks =
    input.networks === 'none'
      ? { requested: [], securityGroupIds: [] }
      : await deps.network.validateRequested(
          { token: caller.token, projectId: caller.projectId },
          input.networks ?? [],
          input.securityGroups.length > 0 ? input.securityGroups : ['default'],
        );

  const count = await countWithinQuota(deps, target, input, flavor);
  if (group) await checkQuota(deps, { ...target, server_group_id: group.id }, { server_group_members: count });

  const snapshot = await flavorSnapshotOf(deps.db, flavor);
  const adminPass = input.adminPass ?? generatePassword();
  const reservationId = `r-${randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8)}`;
  const now = new Date().toISOString();
  const rows: InstanceRow[] = [];
  const specs: RequestSpec[] = [];
  const imageProps = image ? imagePropertiesOf(image) : {};
  const sysmeta = systemMetadataFor(image, imageProps, input);
  for (let i = 0; i < count; i++) {
    const uuid = randomUUID();
    const name = count > 1 ? `${input.name}-${i + 1}` : input.name;
    rows.push({
      uuid,
      project_id: caller.projectId,
      user_id: caller.userId,
      display_name: name,
      display_description: input.description,
      hostname: input.hostname ?? hostnameFor(input.name, uuid, count, i),
      image_ref: image?.id ?? '',
      flavor: JSON.stringify(snapshot),
      old_flavor: null,
      vm_state: 'building',
      task_state: 'scheduling',
      power_state: 0,
      host: null,
      node: null,
      availability_zone: az,
      launched_at: null,
      terminated_at: null,
      locked: 0,
      locked_by: null,
      locked_reason: null,
      key_name: key?.name ?? null,
      key_data: key?.public_key ?? null,
      user_data: input.userData,
      config_drive: input.configDrive ? 'True' : '',
      access_ip_v4: input.accessIPv4,
      access_ip_v6: input.accessIPv6,
      reservation_id: reservationId,
      launch_index: i,
      kernel_id: typeof imageProps.kernel_id === 'string' ? imageProps.kernel_id : '',
      ramdisk_id: typeof imageProps.ramdisk_id === 'string' ? imageProps.ramdisk_id : '',
      root_device_name: null,
      disk_config: input.diskConfig,
      info_cache: '[]',
      fault: null,
      progress: 0,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      deleted: 0,
    });
    specs.push({
      instance_uuid: uuid,
      project_id: caller.projectId,
      user_id: caller.userId,
      flavor: { ...snapshot },
      image: image
        ? {
            id: image.id,
            disk_format: image.disk_format ?? undefined,
            container_format: image.container_format ?? undefined,
            min_disk: image.min_disk,
            min_ram: image.min_ram,
            properties: imageProps,
          }
        : { id: '', properties: {} },
      availability_zone: az,
      requested_host: input.requestedHost ?? input.forcedHost,
      requested_node: input.requestedNode ?? input.forcedNode,
      scheduler_hints: input.hints,
      group,
      networks,
      ignore_hosts: [],
      num_attempts: 0,
    });
  }

  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('instances').values(rows).execute();
    const meta = rows.flatMap((r) =>
      Object.entries(input.metadata).map(([key, value]) => ({ instance_uuid: r.uuid, key, value })),
    );
    if (meta.length > 0) await trx.insertInto('instance_metadata').values(meta).execute();
    const sys = rows.flatMap((r) =>
      Object.entries(sysmeta).map(([key, value]) => ({ instance_uuid: r.uuid, key, value })),
    );
    if (sys.length > 0) await trx.insertInto('instance_system_metadata').values(sys).execute();
    const tags = rows.flatMap((r) => [...new Set(input.tags)].map((tag) => ({ instance_uuid: r.uuid, tag })));
    if (tags.length > 0) await trx.insertInto('instance_tags').values(tags).execute();
    await trx
      .insertInto('request_specs')
      .values(specs.map((s) => ({ instance_uuid: s.instance_uuid, spec: JSON.stringify(s) })))
      .execute();
    if (group)
      await trx
        .insertInto('server_group_members')
        .values(rows.map((r) => ({ group_id: group.id, instance_uuid: r.uuid })))
        .execute();
  });
  await deps.conductor.build(actionContextOf(caller), specs, { adminPass });
  return { rows, adminPass, reservationId };
}

async function flavorFor(deps: ComputeDeps, caller: ServerCaller, id: string): Promise<FlavorRow> {
  let flavor: FlavorRow;
  try {
    flavor = await findFlavor(deps.db, id, caller);
  } catch {
    throw badRequest(`Flavor ${id} could not be found.`);
  }
  if (flavor.disabled) throw badRequest('Flavor is disabled.');
  return flavor;
}

/** The image a server boots (or rebuilds) from, checked as Nova checks it against the flavor. */
export async function imageFor(
  deps: ComputeDeps,
  caller: ServerCaller,
  id: string,
  flavor: Pick<FlavorRow, 'memory_mb' | 'root_gb'>,
): Promise<GlanceImage | undefined> {
  if (!id) return undefined;
  const image = await deps.image.show({ token: caller.token }, id);
  if (!image) throw badRequest('Can not find requested image');
  if (image.status !== 'active') throw badRequest(`Image ${id} is not active.`);
  if (flavor.memory_mb < (image.min_ram ?? 0)) throw badRequest("Flavor's memory is too small for requested image.");
  const flavorBytes = flavor.root_gb * 1024 ** 3;
  if (flavor.root_gb > 0) {
    if ((image.size ?? 0) > flavorBytes)
      throw badRequest(
        `Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size} bytes.`,
      );
    if ((image.min_disk ?? 0) > flavor.root_gb)
      throw badRequest(
        `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavorBytes} bytes, minimum size is ${(image.min_disk ?? 0) * 1024 ** 3} bytes.`,
      );
  }
  return image;
}

async function keyPairFor(deps: ComputeDeps, caller: ServerCaller, name: string) {
  const key = await deps.db
    .selectFrom('key_pairs')
    .selectAll()
    .where('user_id', '=', caller.userId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!key) throw badRequest('Invalid key_name provided.');
  return key;
}

/** Nova's injected file quotas (403 OverQuota texts): how many files, path length, decoded content size. */
async function checkInjectedFiles(
  deps: ComputeDeps,
  projectId: string,
  files: { path: string; contents: string }[],
): Promise<void> {
  const limits = await projectLimits(deps, projectId);
  const within = (limit: number | undefined, n: number) => limit === undefined || limit < 0 || n <= limit;
  if (!within(limits.injected_files, files.length)) throw forbidden('Personality file limit exceeded');
  for (const f of files) {
    if (!within(limits.injected_file_path_bytes, Buffer.byteLength(f.path)))
      throw forbidden(`Personality file path exceeds maximum ${limits.injected_file_path_bytes}`);
    if (!within(limits.injected_file_content_bytes, Buffer.from(f.contents, 'base64').length))
      throw forbidden(`Personality file content exceeds maximum ${limits.injected_file_content_bytes}`);
  }
}

/** The zones that exist: the default one and those named by host aggregates. */
export async function knownZones(deps: ComputeDeps): Promise<Set<string>> {
  const rows = await deps.db
    .selectFrom('aggregate_metadata')
    .select('value')
    .where('key', '=', 'availability_zone')
    .execute();
  return new Set([deps.config.compute.defaultAvailabilityZone, ...rows.map((r) => r.value)]);
}

async function zoneFor(deps: ComputeDeps, input: CreateInput): Promise<string | null> {
  if (!input.availabilityZone) return null;
  if (!(await knownZones(deps)).has(input.availabilityZone))
    throw badRequest('The requested availability zone is not available');
  return input.availabilityZone;
}

/** 2.74 `host` / `hypervisor_hostname` must name a known compute node. */
async function checkRequestedDestination(deps: ComputeDeps, input: CreateInput): Promise<void> {
  let q = deps.db.selectFrom('compute_nodes').select('host');
  if (input.requestedHost) q = q.where('host', '=', input.requestedHost);
  if (input.requestedNode) q = q.where('hypervisor_hostname', '=', input.requestedNode);
  if (await q.executeTakeFirst()) return;
  throw badRequest(
    input.requestedHost
      ? `Compute host ${input.requestedHost} could not be found.`
      : `Compute host node ${input.requestedNode} could not be found.`,
  );
}

async function groupFor(deps: ComputeDeps, caller: ServerCaller, id: unknown): Promise<RequestSpec['group']> {
  if (typeof id !== 'string') return null;
  const row = await deps.db.selectFrom('server_groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (!caller.isAdmin && row.project_id !== caller.projectId))
    throw badRequest(`Instance group ${id} could not be found.`);
  return { id: row.id, policy: row.policy, rules: JSON.parse(row.rules || '{}') };
}

/** As many servers as the quota allows between min_count and max_count (Nova builds fewer rather than none). */
async function countWithinQuota(
  deps: ComputeDeps,
  owner: { project_id: string; user_id: string },
  input: CreateInput,
  flavor: FlavorRow,
): Promise<number> {
  let lastError: unknown;
  for (let n = input.maxCount; n >= input.minCount; n--) {
    try {
      await checkQuota(deps, owner, { instances: n, cores: n * flavor.vcpus, ram: n * flavor.memory_mb });
      return n;
    } catch (err) {
      lastError = err;
      if (n - input.minCount > 64) n = input.minCount + 1;
    }
  }
  throw lastError ?? forbidden('Quota exceeded');
}

function systemMetadataFor(
  image: GlanceImage | undefined,
  props: Record<string, unknown>,
  input: CreateInput,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (image) {
    for (const [k, v] of Object.entries(props))
      out[`image_${k}`] = String(typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 255);
    out.image_base_image_ref = image.id;
    out.image_min_ram = String(image.min_ram ?? 0);
    out.image_min_disk = String(image.min_disk ?? 0);
    if (image.disk_format) out.image_disk_format = image.disk_format;
    if (image.container_format) out.image_container_format = image.container_format;
  }
  if (input.networks !== 'none')
    out[SECURITY_GROUPS_KEY] = JSON.stringify(input.securityGroups.length > 0 ? input.securityGroups : ['default']);
  if (input.trustedCerts) out[TRUSTED_CERTS_KEY] = JSON.stringify(input.trustedCerts);
  return out;
}

/** Nova's hostname of the index-th of `count` servers: the sanitized name, suffixed `-n` when several. */
function hostnameFor(name: string, uuid: string, count: number, index: number): string {
  const base = sanitizeHostname(name, '');
  if (!base) return `Server-${uuid}`;
  return count > 1 ? `${base}-${index + 1}` : base;
}

/** Nova's generate_password: 12 characters from an alphabet without look-alikes. */
function generatePassword(length = 12): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
