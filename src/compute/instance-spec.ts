import type { Kysely, Transaction } from 'kysely';
import type { NetworkInfo, RequestSpec } from './clients/types.ts';
import type { FlavorSpec, GuestFacts, ImageSpec, InstanceSpec, Vif } from './drivers/hypervisor.ts';
import { parseJson } from './instance-cas.ts';
import { SECURITY_GROUPS_KEY } from './server-view.ts';
import type { ComputeTables, FlavorSnapshot, InstanceRow } from './tables.ts';

type Db = Kysely<ComputeTables> | Transaction<ComputeTables>;

/** The request spec kept for an instance (reschedules, resize, unshelve); undefined for a row without one. */
export async function loadRequestSpec(db: Db, uuid: string): Promise<RequestSpec | undefined> {
  const row = await db.selectFrom('request_specs').select('spec').where('instance_uuid', '=', uuid).executeTakeFirst();
  return row ? parseJson<RequestSpec | undefined>(row.spec, undefined) : undefined;
}

export async function saveRequestSpec(db: Db, spec: RequestSpec): Promise<void> {
  const text = JSON.stringify(spec);
  const updated = await db
    .updateTable('request_specs')
    .set({ spec: text })
    .where('instance_uuid', '=', spec.instance_uuid)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await db.insertInto('request_specs').values({ instance_uuid: spec.instance_uuid, spec: text }).execute();
}

export function flavorSpecOf(snapshot: FlavorSpec): FlavorSpec {
  return {
    name: snapshot.name,
    vcpus: snapshot.vcpus,
    memory_mb: snapshot.memory_mb,
    root_gb: snapshot.root_gb,
    ephemeral_gb: snapshot.ephemeral_gb,
    swap: snapshot.swap,
    extra_specs: snapshot.extra_specs ?? {},
  };
}

/** Nova's VIF model from the cached network info (the extra keys of the cache stay out of the agent's spec). */
export function vifsOf(info: NetworkInfo): Vif[] {
  return info.map((e) => ({
    id: e.id,
    address: e.address,
    network: e.network,
    fixed_ips: e.fixed_ips,
    ...(e.type !== undefined && { type: e.type }),
    ...(e.details !== undefined && { details: e.details }),
    ...(e.devname !== undefined && { devname: e.devname }),
  }));
}

/**
 * Everything an agent needs about one instance, so it never looks anything up: flavor (the row's snapshot,
 * or `flavor` for a resize's destination), image, VIFs, and what the guest reads at boot.
 */
export async function buildInstanceSpec(
  db: Db,
  row: InstanceRow,
  opts: {
    image?: ImageSpec;
    spec?: RequestSpec;
    flavor?: FlavorSnapshot;
    adminPass?: string | null;
    powerOn?: boolean;
  } = {},
): Promise<InstanceSpec> {
  const spec = opts.spec ?? (await loadRequestSpec(db, row.uuid));
  const metadata = await db
    .selectFrom('instance_metadata')
    .select(['key', 'value'])
    .where('instance_uuid', '=', row.uuid)
    .execute();
  const groups = await db
    .selectFrom('instance_system_metadata')
    .select('value')
    .where('instance_uuid', '=', row.uuid)
    .where('key', '=', SECURITY_GROUPS_KEY)
    .executeTakeFirst();
  const flavor = opts.flavor ?? parseJson<FlavorSnapshot | undefined>(row.flavor, undefined) ?? spec?.flavor;
  const image: ImageSpec = opts.image ?? spec?.image ?? { id: row.image_ref, properties: {} };
  return {
    uuid: row.uuid,
    name: row.display_name,
    hostname: row.hostname,
    flavor: flavorSpecOf(
      flavor ?? { name: '', vcpus: 0, memory_mb: 0, root_gb: 0, ephemeral_gb: 0, swap: 0, extra_specs: {} },
    ),
    image,
    vifs: vifsOf(parseJson<NetworkInfo>(row.info_cache, [])),
    injected: {
      userData: row.user_data,
      keyData: row.key_data,
      keyName: row.key_name,
      adminPass: opts.adminPass ?? null,
      metadata: Object.fromEntries(metadata.map((m) => [m.key, m.value])),
      configDrive: row.config_drive !== '' && row.config_drive !== 'False' && row.config_drive !== 'false',
    },
    ...(opts.powerOn !== undefined && { powerOn: opts.powerOn }),
    guest: guestFactsOf(row, parseJson<string[]>(groups?.value ?? null, [])),
  };
}

/** What the instance's metadata shows from its row (config drive and metadata service alike). */
export function guestFactsOf(row: InstanceRow, securityGroups: string[]): GuestFacts {
  return {
    project_id: row.project_id,
    availability_zone: row.availability_zone,
    launch_index: row.launch_index,
    reservation_id: row.reservation_id,
    security_groups: securityGroups,
    kernel_id: row.kernel_id || null,
    ramdisk_id: row.ramdisk_id || null,
    root_device_name: row.root_device_name,
  };
}
