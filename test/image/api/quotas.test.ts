import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';
import { createMember, type Member } from '../../identity/member-fixture.ts';
import { createImage, putData, showImage } from '../image-data-fixture.ts';

const MiB = 1024 * 1024;

/** Image quotas come from Keystone's unified limits for the `image` service, as Glance reads them. */
describe('image quotas (unified limits)', () => {
  let cloud: TestCloud;
  let alice: Member;
  let imageServiceId: string;

  before(async () => {
    cloud = await startCloud();
    alice = await createMember(cloud, 'quota-alice');
    const services = await cloud.call('GET', '/identity/v3/services?type=image', { token: cloud.adminToken });
    imageServiceId = services.body.services[0].id;
  });
  after(() => cloud.close());

  async function registerLimit(resource_name: string, default_limit: number): Promise<string> {
    const res = await cloud.call('POST', '/identity/v3/registered_limits', {
      token: cloud.adminToken,
      body: { registered_limits: [{ service_id: imageServiceId, resource_name, default_limit }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.registered_limits[0].id;
  }

  async function projectLimit(project_id: string, resource_name: string, resource_limit: number): Promise<void> {
    const res = await cloud.call('POST', '/identity/v3/limits', {
      token: cloud.adminToken,
      body: { limits: [{ service_id: imageServiceId, project_id, resource_name, resource_limit }] },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  it('image_count_total stops the image after the limit, and a project limit overrides the default', async () => {
    const bob = await createMember(cloud, 'quota-bob');
    const limitId = await registerLimit('image_count_total', 2);
    await createImage(cloud, bob.token);
    await createImage(cloud, bob.token);
    const third = await cloud.call('POST', '/image/v2/images', { token: bob.token, body: { name: 'third' } });
    assert.equal(third.status, 413, JSON.stringify(third.body));
    assert.match(third.body.message, /image_count_total/);

    // Another project has its own count.
    await createImage(cloud, alice.token);
    await projectLimit(bob.projectId, 'image_count_total', 3);
    await createImage(cloud, bob.token);
    // Raising the default (not the override) does not change bob's limit.
    await cloud.call('PATCH', `/identity/v3/registered_limits/${limitId}`, {
      token: cloud.adminToken,
      body: { registered_limit: { default_limit: 100 } },
    });
    const fifth = await cloud.call('POST', '/image/v2/images', { token: bob.token, body: { name: 'fifth' } });
    assert.equal(fifth.status, 413);
  });

  it('image_size_total refuses an upload that would pass it and leaves the image queued with no file', async () => {
    const carol = await createMember(cloud, 'quota-carol');
    await registerLimit('image_size_total', 1);
    const first = await createImage(cloud, carol.token);
    assert.equal((await putData(cloud, carol.token, `${first}/file`, Buffer.alloc(MiB / 2, 1))).status, 204);

    const second = await createImage(cloud, carol.token);
    const over = await putData(cloud, carol.token, `${second}/file`, Buffer.alloc(MiB, 2));
    assert.equal(over.status, 413, over.text);
    const image = await showImage(cloud, carol.token, second);
    assert.equal(image.status, 'queued');
    assert.equal(image.size, null);
    const files = await readdir(join(cloud.dataDir, 'images'));
    assert.deepEqual(
      files.filter((f) => f.startsWith(second)),
      [],
    );
    // What is left of the limit still fits.
    assert.equal((await putData(cloud, carol.token, `${second}/file`, Buffer.alloc(MiB / 4, 3))).status, 204);
  });

  it('image_stage_total bounds the staging area, and image_count_uploading counts staged images', async () => {
    const dave = await createMember(cloud, 'quota-dave');
    // Keystone wants a registered default before a project limit of the same resource.
    await registerLimit('image_stage_total', 1000);
    await registerLimit('image_count_uploading', 100);
    await projectLimit(dave.projectId, 'image_stage_total', 1);
    await projectLimit(dave.projectId, 'image_count_uploading', 1);
    const big = await createImage(cloud, dave.token);
    assert.equal((await putData(cloud, dave.token, `${big}/stage`, Buffer.alloc(2 * MiB))).status, 413);
    assert.equal((await showImage(cloud, dave.token, big)).status, 'queued');

    assert.equal((await putData(cloud, dave.token, `${big}/stage`, Buffer.alloc(MiB / 2))).status, 204);
    // One image is now uploading (staged): a second upload is over image_count_uploading.
    const other = await createImage(cloud, dave.token);
    const busy = await putData(cloud, dave.token, `${other}/file`, Buffer.alloc(10));
    assert.equal(busy.status, 413, busy.text);
    assert.match(busy.text, /image_count_uploading/);
  });
});
