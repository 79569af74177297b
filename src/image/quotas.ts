import { ApiError } from '../core/errors.ts';
import { enforceLimit } from '../core/quotas/unified-limits.ts';
import type { ImageDeps } from './deps.ts';
import { imageCount, stagedBytes, storedBytes, uploadingCount } from './store/usage.ts';

const MiB = 1024 * 1024;

/**
 * Glance's quotas, read from Keystone's unified limits (registered for the `image` service type):
 * `image_count_total` and `image_count_uploading` count images; `image_size_total` and `image_stage_total`
 * are MiB of stored and staged data. Like Glance, a project's caller is charged (not the image's owner), and a
 * resource with no registered limit is unlimited. Sizes are known only as the bytes arrive, so an upload is
 * refused up front when the project is already over, and cut off (413) the moment it would pass the limit.
 */
export async function checkImageCount(deps: ImageDeps, projectId: string | null): Promise<void> {
  if (!projectId) return;
  const limit = await deps.limits.limitOf(projectId, 'image_count_total');
  if (limit !== undefined) enforceLimit(projectId, 'image_count_total', limit, await imageCount(deps.db, projectId), 1);
}

/** Checks the uploading count and the stored total; returns how many bytes this upload may still bring. */
export async function uploadAllowance(deps: ImageDeps, projectId: string | null): Promise<number> {
  if (!projectId) return deps.config.image.sizeCap;
  await checkUploading(deps, projectId);
  return bytesLeft(deps, projectId, 'image_size_total', () => storedBytes(deps.db, projectId));
}

/** The same for PUT /stage, against the staging area's limit. */
export async function stageAllowance(deps: ImageDeps, projectId: string | null): Promise<number> {
  if (!projectId) return deps.config.image.sizeCap;
  await checkUploading(deps, projectId);
  return bytesLeft(deps, projectId, 'image_stage_total', () => stagedBytes(deps.db, projectId));
}

/** glance-direct: the staged bytes are known, so an import that would pass `image_size_total` is refused before it starts. */
export async function importAllowance(deps: ImageDeps, projectId: string | null, stagedSize: number): Promise<number> {
  if (!projectId) return deps.config.image.sizeCap;
  const left = await bytesLeft(deps, projectId, 'image_size_total', () => storedBytes(deps.db, projectId));
  if (stagedSize > left)
    throw new ApiError(
      413,
      'Request Entity Too Large',
      `Project ${projectId} is over a limit for image_size_total: importing ${stagedSize} bytes would pass it.`,
    );
  return left;
}

async function checkUploading(deps: ImageDeps, projectId: string): Promise<void> {
  const limit = await deps.limits.limitOf(projectId, 'image_count_uploading');
  if (limit !== undefined)
    enforceLimit(projectId, 'image_count_uploading', limit, await uploadingCount(deps.db, projectId), 1);
}

async function bytesLeft(
  deps: ImageDeps,
  projectId: string,
  resource: string,
  usage: () => Promise<number>,
): Promise<number> {
  const limitMiB = await deps.limits.limitOf(projectId, resource);
  if (limitMiB === undefined) return deps.config.image.sizeCap;
  const used = await usage();
  enforceLimit(projectId, resource, limitMiB, Math.ceil(used / MiB), 0);
  return Math.min(deps.config.image.sizeCap, limitMiB * MiB - used);
}
