import type { ComputeDeps } from './deps.ts';
import { systemMetadataOf } from './instance-store.ts';

const SHELVE_KEYS = ['shelved_image_id', 'shelved_at', 'shelved_host'];

/**
 * Deletes the snapshot shelving took and forgets it, once the server runs again from it (Nova does this when
 * the unshelve has finished: the driver may still be downloading the image until then). Acts as the service.
 */
export async function dropShelvedSnapshot(deps: ComputeDeps, uuid: string): Promise<void> {
  const sys = (await systemMetadataOf(deps.db, [uuid])).get(uuid) ?? {};
  if (sys.shelved_image_id) {
    await deps.image
      .delete({}, sys.shelved_image_id)
      .catch((err) => deps.log.warn({ err, instance: uuid }, 'deleting the shelve snapshot failed'));
  }
  await deps.db
    .deleteFrom('instance_system_metadata')
    .where('instance_uuid', '=', uuid)
    .where('key', 'in', SHELVE_KEYS)
    .execute();
}
