import { PASSWORD_KEY } from '../api/server-password.ts';
import type { NetworkInfo } from '../clients/types.ts';
import type { ComputeDeps } from '../deps.ts';
import { hostZones, zoneOf } from '../host-zones.ts';
import { liveInstance, parseJson } from '../instance-cas.ts';
import { buildInstanceSpec } from '../instance-spec.ts';
import type { MetadataInput } from './input.ts';

/**
 * What the metadata service answers one instance from, read fresh from the compute tables (the spec an agent
 * would get, plus the floating IPs and the password the guest posted); undefined for a deleted instance.
 */
export async function metadataInputOf(
  deps: Pick<ComputeDeps, 'db' | 'config'>,
  uuid: string,
): Promise<MetadataInput | undefined> {
  const row = await liveInstance(deps.db, uuid);
  if (!row) return undefined;
  const [spec, password, zones] = await Promise.all([
    buildInstanceSpec(deps.db, row),
    deps.db
      .selectFrom('instance_system_metadata')
      .select('value')
      .where('instance_uuid', '=', uuid)
      .where('key', '=', PASSWORD_KEY)
      .executeTakeFirst(),
    row.availability_zone || !row.host ? undefined : hostZones(deps),
  ]);
  const info = parseJson<NetworkInfo>(row.info_cache, []);
  return {
    spec,
    // A server booted into no zone is in its host's (an aggregate's, else the default).
    defaultZone:
      row.host && zones ? zoneOf(deps, zones, row.host, 'nova-compute') : deps.config.compute.defaultAvailabilityZone,
    floatingIps: info.flatMap((vif) => (vif.floating_ips ?? []).map((f) => f.floating_ip_address)),
    password: password?.value ?? '',
  };
}

/** Stores the encrypted password a guest posts; false when one is already set (Nova answers 409). */
export async function saveGuestPassword(deps: Pick<ComputeDeps, 'db'>, uuid: string, value: string): Promise<boolean> {
  const existing = await deps.db
    .selectFrom('instance_system_metadata')
    .select('value')
    .where('instance_uuid', '=', uuid)
    .where('key', '=', PASSWORD_KEY)
    .executeTakeFirst();
  if (existing) return false;
  try {
    await deps.db
      .insertInto('instance_system_metadata')
      .values({ instance_uuid: uuid, key: PASSWORD_KEY, value })
      .execute();
  } catch {
    // Two posts raced and the (instance_uuid, key) key let only one in.
    return false;
  }
  return true;
}
