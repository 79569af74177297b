import assert from 'node:assert/strict';
import type { TestCloud } from '../helpers/cloud.ts';

/** Requests the image record tests share: create (asserting 201) and JSON-patch in either media type. */
export const PATCH_21 = 'application/openstack-images-v2.1-json-patch';
export const PATCH_20 = 'application/openstack-images-v2.0-json-patch';

export async function create(cloud: TestCloud, token: string, body: Record<string, unknown>) {
  const res = await cloud.call('POST', '/image/v2/images', { token, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

export function patch(cloud: TestCloud, token: string, id: string, ops: unknown, type = PATCH_21) {
  return cloud.call('PATCH', `/image/v2/images/${id}`, {
    token,
    raw: JSON.stringify(ops),
    headers: { 'content-type': type },
  });
}
