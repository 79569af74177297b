import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { BadRequest } from '../core/errors.ts';
import { meterImageData } from './data-meter.ts';
import type { ImageDeps } from './deps.ts';
import { createFileStore } from './drivers/file/index.ts';
import { claimStatus, releaseStatus, setStagedSize } from './store/image-data.ts';
import type { ImageStore } from './store-driver.ts';
import type { ImageRow } from './tables.ts';
import { asClientError, type IncomingData, refuseOversized } from './upload.ts';

/**
 * Glance's `node_staging_uri`: data sent to PUT /stage waits under `<data-dir>/image-staging` for
 * POST /import. It is a file store of its own, so a half-written stage leaves only a `.partial` that is removed.
 */
export interface Staging {
  store: ImageStore;
  urlOf(imageId: string): string;
}

export function createStaging(dataDir: string): Staging {
  const dir = join(dataDir, 'image-staging');
  return { store: createFileStore(dir), urlOf: (imageId) => pathToFileURL(join(dir, imageId)).href };
}

/** PUT /stage: queued → uploading, with the data in the staging area and its size on the image. */
export async function stageImageData(
  deps: ImageDeps,
  staging: Staging,
  image: ImageRow,
  data: IncomingData,
): Promise<void> {
  await claimStatus(deps.db, image.id, ['queued'], 'uploading');
  try {
    const meter = meterImageData(refuseOversized(deps, data.expectedSize, data.maxBytes));
    const metered = pipeline(data.body, meter.stream, () => {});
    const { url } = await staging.store.put(image.id, metered, { signal: data.signal });
    const { size } = meter.result();
    if (data.expectedSize !== undefined && size !== data.expectedSize) {
      await staging.store.delete(url);
      throw new BadRequest(`Image data size ${size} does not match the announced size ${data.expectedSize}.`);
    }
    await setStagedSize(deps.db, image.id, size);
  } catch (err) {
    await releaseStatus(deps.db, image.id, 'uploading', 'queued');
    throw await asClientError(deps, image.id, err);
  }
}
