import { randomUUID } from 'node:crypto';
import { ApiError, BadRequest, Conflict } from '../core/errors.ts';
import type { ImageDeps } from './deps.ts';
import { importAllowance } from './quotas.ts';
import type { Staging } from './staging.ts';
import { claimStatus, listLocations, releaseStatus, setImportStores } from './store/image-data.ts';
import { insertTask, setTaskStatus } from './store/tasks.ts';
import type { ImageRow } from './tables.ts';
import { storeImageData } from './upload.ts';

/**
 * The interoperable import methods this cloud offers, as GET /v2/info/import lists them. web-download and
 * glance-download are left out: Strata does not fetch from URLs or other regions yet.
 */
export const IMPORT_METHODS = ['glance-direct', 'copy-image'] as const;
export type ImportMethod = (typeof IMPORT_METHODS)[number];

export interface ImportRequest {
  method: ImportMethod;
  stores?: string[];
  allStores: boolean;
  /** The caller's project, charged for the imported data as Glance charges it. */
  projectId: string | null;
  /** For the task record: who asked, in which request, with which body. */
  userId: string | null;
  requestId: string;
  body: unknown;
}

/**
 * Checks an import request as Glance does before it answers 202, and claims the image for it. Returns the
 * work to run after the answer, or undefined when there is nothing to do (copy-image to stores that already
 * hold the image).
 */
export async function prepareImport(
  deps: ImageDeps,
  staging: Staging,
  image: ImageRow,
  req: ImportRequest,
): Promise<(() => Promise<void>) | undefined> {
  if (image.status === 'active' && req.method !== 'copy-image')
    throw new Conflict('Image with status active cannot be target for import');
  if (image.status !== 'active' && req.method === 'copy-image')
    throw new Conflict('Only images with status active can be targeted for copying');
  if (image.status !== 'uploading' && req.method === 'glance-direct')
    throw new Conflict("Image needs to be staged before 'glance-direct' method can be used");
  if (!image.container_format) throw new Conflict("'container_format' needs to be set before import");
  if (!image.disk_format) throw new Conflict("'disk_format' needs to be set before import");

  const targets = targetStores(deps, req);
  if (req.method === 'copy-image') {
    const present = new Set((await listLocations(deps.db, image.id, deps.defaultStore)).map((l) => l.store));
    const missing = targets.filter((s) => !present.has(s));
    // Glance: with all_stores it drops the stores already holding the image and succeeds if none is left;
    // naming such a store explicitly is a 400.
    if (!req.allStores) {
      const already = targets.find((s) => present.has(s));
      if (already) throw new BadRequest(`Image is already present at store '${already}'`);
    }
    // Only one store exists so far, so every active image is already in all of them.
    if (missing.length > 0) throw new Conflict(`Copying to stores ${missing.join(', ')} is not supported.`);
    const task = await recordTask(deps, image, req, targets);
    await setImportStores(deps.db, image.id, { importing: [], failed: [] });
    await setTaskStatus(deps.db, task, 'success', { result: { image_id: image.id } });
    return undefined;
  }

  const maxBytes = await importAllowance(deps, req.projectId, image.size ?? 0);
  await claimStatus(deps.db, image.id, ['uploading'], 'importing');
  const task = await recordTask(deps, image, req, targets);
  await setImportStores(deps.db, image.id, { importing: targets, failed: [] });
  return () => importStaged(deps, staging, image, { task, targets, maxBytes });
}

/** Stores an import names: `stores`, every store for `all_stores`, else the default; an unknown one is 409. */
function targetStores(deps: ImageDeps, req: ImportRequest): string[] {
  if (req.allStores && req.stores !== undefined && req.stores.length > 0)
    throw new BadRequest("All_stores parameter can't be used with x-image-meta-store header or stores in body");
  if (req.allStores) return [...deps.stores.keys()];
  const named = req.stores && req.stores.length > 0 ? req.stores : [deps.defaultStore];
  for (const s of named) if (!deps.stores.has(s)) throw new Conflict(`Unknown scheme '${s}' found in uri`);
  return named;
}

/**
 * glance-direct after the 202: staged bytes go through the same hashing path as an upload into the default
 * store; the staged copy is removed either way. A failure puts the image back to `queued`, as Glance reverts
 * a failed import, so the client may stage again.
 */
async function importStaged(
  deps: ImageDeps,
  staging: Staging,
  image: ImageRow,
  { task, targets, maxBytes }: { task: string; targets: string[]; maxBytes: number },
): Promise<void> {
  const url = staging.urlOf(image.id);
  try {
    await setTaskStatus(deps.db, task, 'processing');
    const body = await staging.store.get(url);
    await storeImageData(deps, image, 'importing', {
      body,
      signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS),
      maxBytes,
    });
    await setImportStores(deps.db, image.id, { importing: [], failed: [] });
    await setTaskStatus(deps.db, task, 'success', { result: { image_id: image.id } });
    deps.log.info({ image_id: image.id }, 'image imported');
  } catch (err) {
    await releaseStatus(deps.db, image.id, 'importing', 'queued', { size: null });
    await setImportStores(deps.db, image.id, { importing: [], failed: targets }).catch(() => {});
    await setTaskStatus(deps.db, task, 'failure', { message: (err as Error).message });
    if (err instanceof ApiError) deps.log.warn({ image_id: image.id, err: err.message }, 'image import failed');
    else deps.log.error({ image_id: image.id, err }, 'image import failed');
  } finally {
    await staging.store.delete(url).catch(() => {});
  }
}

/** Glance's `api_image_import` task, shown by GET /v2/images/{id}/tasks while and after the import runs. */
async function recordTask(deps: ImageDeps, image: ImageRow, req: ImportRequest, targets: string[]): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await insertTask(deps.db, {
    id,
    type: 'api_image_import',
    status: 'pending',
    owner: image.owner,
    image_id: image.id,
    request_id: req.requestId,
    user_id: req.userId,
    input: JSON.stringify({ image_id: image.id, import_req: req.body, backend: targets }),
    result: null,
    message: '',
    expires_at: null,
    created_at: now,
    updated_at: now,
  });
  return id;
}

// Generous: a local copy of the largest image Glance accepts (1 TiB) at ~200 MB/s takes about 90 minutes.
const IMPORT_TIMEOUT_MS = 6 * 60 * 60 * 1000;
