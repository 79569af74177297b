import type { ComputeBase } from '../deps.ts';
import { TtlCache } from './ttl-cache.ts';
import type { CallerToken, GlanceImage, ImageClient, ServiceAnswer } from './types.ts';

/** Glance v2's own image attributes; every other key of an image is a user property. */
const GLANCE_CORE = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'checksum',
  'owner',
  'size',
  'virtual_size',
  'min_ram',
  'min_disk',
  'disk_format',
  'container_format',
  'created_at',
  'updated_at',
  'tags',
  'self',
  'file',
  'schema',
  'locations',
  'direct_url',
  'os_hidden',
  'os_hash_algo',
  'os_hash_value',
  'stores',
]);

/** The user properties of a Glance image: Nova's image `metadata`, the `image_<key>` system metadata. */
export const imagePropertiesOf = (image: GlanceImage): Record<string, unknown> =>
  Object.fromEntries(Object.entries(image).filter(([k]) => !GLANCE_CORE.has(k)));

/** How long an image lookup stays good for one token: long enough that a burst of creates asks Glance once. */
const SHOW_TTL_MS = 5000;

/**
 * The Image (Glance v2) client: calls for a user carry the user's token (visibility is theirs) beside the
 * compute service token; calls without one act as the service.
 */
export function createImageClient(base: ComputeBase): ImageClient {
  const root = () => `${base.publicUrl()}/image`;
  const shown = new TtlCache<GlanceImage | undefined>(SHOW_TTL_MS, 2000);

  const request = async (caller: CallerToken, method: string, path: string, body?: unknown): Promise<ServiceAnswer> =>
    base.services.request(`${root()}${path}`, { method, body, userToken: caller.token });

  const fail = (what: string, res: ServiceAnswer): Error =>
    new Error(`image service: ${what} answered ${res.status} ${JSON.stringify(res.body ?? '').slice(0, 200)}`);

  return {
    async show(caller, id) {
      const key = `${caller.token ?? ''}\n${id}`;
      const hit = shown.get(key);
      if (hit.found) return hit.value;
      const res = await request(caller, 'GET', `/v2/images/${encodeURIComponent(id)}`);
      // Glance answers 404 for what the caller cannot see; a malformed id is a 404 too.
      if (res.status === 404 || res.status === 400) return undefined;
      if (res.status !== 200) throw fail(`GET image ${id}`, res);
      // Only settled images are remembered: a queued snapshot becomes active, a missing image may appear.
      if ((res.body as GlanceImage).status === 'active') shown.set(key, res.body as GlanceImage);
      return res.body as GlanceImage;
    },
    async createSnapshot(caller, body) {
      const res = await request(caller, 'POST', '/v2/images', body);
      if (res.status !== 201) throw fail('POST image', res);
      return res.body as GlanceImage;
    },
    async delete(caller, id) {
      shown.deleteWhere((key) => key.endsWith(`\n${id}`));
      const res = await request(caller, 'DELETE', `/v2/images/${encodeURIComponent(id)}`);
      if (res.status !== 204 && res.status !== 404) throw fail(`DELETE image ${id}`, res);
    },
    fileUrl: (id) => `${root()}/v2/images/${encodeURIComponent(id)}/file`,
    request,
  };
}
