import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import { createMember } from '../identity/member-fixture.ts';
import { cliFor, hasOpenstackCli } from './openstack-cli.ts';

const skip = hasOpenstackCli ? false : 'python3-openstackclient is not installed';

test('openstack CLI: image create, list, show, properties, tags, save, sharing, delete', {
  skip,
  timeout: 300000,
}, async (t) => {
  const cloud = await startCloud(t);
  const cli = await cliFor(cloud.dataDir, cloud.authUrl, cloud.adminPassword);
  const { os } = cli;
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const file = join(cloud.dataDir, 'upload.raw');
  await writeFile(file, data);

  const created = await os([
    'image',
    'create',
    '--file',
    file,
    '--disk-format',
    'raw',
    '--container-format',
    'bare',
    '--private',
    '--property',
    'colour=blue',
    'cli-image',
  ]);
  // This client prints the record it created before uploading; the upload itself is checked with `show`.
  const uploaded = await os(['image', 'show', created.id]);
  assert.equal(uploaded.status, 'active');
  assert.equal(uploaded.size, data.length);
  assert.equal(uploaded.checksum, createHash('md5').update(data).digest('hex'));

  const listed = await os(['image', 'list', '--property', 'colour=blue']);
  assert.deepEqual(
    listed.map((i: { Name: string }) => i.Name),
    ['cli-image'],
  );
  assert.equal((await os(['image', 'list', '--property', 'colour=red'])).length, 0);

  await os(['image', 'set', '--property', 'shape=round', '--tag', 'cli-tag', 'cli-image'], { json: false });
  let shown = await os(['image', 'show', 'cli-image']);
  assert.equal(shown.properties.shape, 'round');
  assert.deepEqual(shown.tags, ['cli-tag']);
  await os(['image', 'unset', '--property', 'shape', '--tag', 'cli-tag', 'cli-image'], { json: false });
  shown = await os(['image', 'show', 'cli-image']);
  assert.equal(shown.properties.shape, undefined);
  assert.deepEqual(shown.tags, []);

  const saved = join(cloud.dataDir, 'saved.raw');
  await os(['image', 'save', '--file', saved, 'cli-image'], { json: false });
  assert.ok(data.equals(await readFile(saved)), 'downloaded bytes are identical');

  // Share with another project, which accepts it and then sees it.
  const member = await createMember(cloud, 'imgmember');
  await os(['image', 'set', '--shared', 'cli-image'], { json: false });
  await os(['image', 'add', 'project', 'cli-image', member.projectId]);
  await cli.addCloud('member', {
    username: 'imgmember',
    password: 'imgmember-pw',
    user_domain_name: 'Default',
    project_id: member.projectId,
  });
  await os(['image', 'set', '--accept', created.id], { cloud: 'member', json: false });
  const seen = await os(['image', 'list'], { cloud: 'member' });
  assert.ok(seen.some((i: { ID: string }) => i.ID === created.id));

  await os(['image', 'delete', 'cli-image'], { json: false });
  assert.equal((await os(['image', 'list'])).length, 0);
});
