import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../member-fixture.ts';

const C = '/identity/v3/credentials';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

test('credentials: ec2 ids, Tempest-style update, filters, delete; blobs are encrypted at rest', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const alice = await createMember(cloud, 'alice');
  const other = await createMember(cloud, 'other');

  const blob = JSON.stringify({ access: 'AKIA-1', secret: 'S-1' });
  const created = await cloud.call('POST', C, {
    token,
    body: { credential: { user_id: alice.userId, project_id: alice.projectId, type: 'ec2', blob, note: 'kept' } },
  });
  assert.equal(created.status, 201);
  const cred = created.body.credential;
  assert.equal(cred.id, sha256('AKIA-1'), 'an ec2 credential id is the SHA-256 of its access key');
  assert.equal(cred.blob, blob);
  assert.equal(cred.note, 'kept');
  assert.match(cred.links.self, new RegExp(`/identity/v3/credentials/${cred.id}$`));
  const dup = await cloud.call('POST', C, {
    token,
    body: { credential: { user_id: alice.userId, project_id: alice.projectId, type: 'ec2', blob } },
  });
  assert.equal(dup.status, 409);

  const cert = await cloud.call('POST', C, {
    token,
    body: { credential: { user_id: other.userId, type: 'cert', blob: 'PEM', id: 'mine' } },
  });
  assert.equal(cert.status, 201);
  assert.match(cert.body.credential.id, /^[0-9a-f]{32}$/);
  assert.equal(cert.body.credential.project_id, null);

  // Tempest 33's update sends blob, project_id and type together; upstream Keystone accepts all three.
  const newBlob = JSON.stringify({ access: 'AKIA-2', secret: 'S-2' });
  const upd = await cloud.call('PATCH', `${C}/${cred.id}`, {
    token,
    body: { credential: { blob: newBlob, project_id: other.projectId, type: 'ec2' } },
  });
  assert.equal(upd.status, 200, JSON.stringify(upd.body));
  assert.equal(upd.body.credential.id, cred.id);
  assert.equal(upd.body.credential.project_id, other.projectId);
  assert.equal(upd.body.credential.user_id, alice.userId);
  assert.deepEqual(JSON.parse(upd.body.credential.blob), { access: 'AKIA-2', secret: 'S-2' });
  assert.deepEqual((await cloud.call('GET', `${C}/${cred.id}`, { token })).body.credential, upd.body.credential);

  const pinned = await cloud.call('PATCH', `${C}/${cred.id}`, {
    token,
    body: { credential: { blob: JSON.stringify({ access: 'AKIA-2', trust_id: 'x' }) } },
  });
  assert.equal(pinned.status, 400, 'the scope recorded in an ec2 blob cannot change');

  const ids = async (q: string, as = token) =>
    (await cloud.call('GET', `${C}${q}`, { token: as })).body.credentials.map((c: { id: string }) => c.id).sort();
  assert.deepEqual(await ids(''), [cred.id, cert.body.credential.id].sort());
  assert.deepEqual(await ids(`?user_id=${other.userId}`), [cert.body.credential.id]);
  assert.deepEqual(await ids('?type=ec2'), [cred.id]);

  if (!process.env.STRATA_TEST_DATABASE_URL) {
    assert.ok(existsSync(join(cloud.dataDir, 'credential-key')));
    const db = new DatabaseSync(join(cloud.dataDir, 'strata.db'), { readOnly: true });
    const rows = db.prepare('SELECT blob FROM credentials').all() as { blob: string }[];
    db.close();
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.match(r.blob, /^aesgcm1:/);
      assert.ok(!r.blob.includes('AKIA') && !r.blob.includes('PEM'));
    }
  }

  assert.equal((await cloud.call('DELETE', `${C}/${cred.id}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${C}/${cred.id}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${C}/${cred.id}`, { token })).status, 404);
});

test('credentials: a member manages only their own', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const alice = await createMember(cloud, 'alice');
  const bob = await createMember(cloud, 'bob');
  const mine = await cloud.call('POST', C, {
    token: alice.token,
    body: { credential: { user_id: alice.userId, type: 'totp', blob: 'seed-a' } },
  });
  assert.equal(mine.status, 201);
  const theirs = await cloud.call('POST', C, {
    token,
    body: { credential: { user_id: bob.userId, type: 'totp', blob: 'seed-b' } },
  });
  assert.equal(theirs.status, 201);
  const forBob = await cloud.call('POST', C, {
    token: alice.token,
    body: { credential: { user_id: bob.userId, type: 'totp', blob: 'x' } },
  });
  assert.equal(forBob.status, 403);

  const listed = await cloud.call('GET', C, { token: alice.token });
  assert.equal(listed.status, 200);
  assert.deepEqual(
    listed.body.credentials.map((c: { id: string }) => c.id),
    [mine.body.credential.id],
    "a member never sees another user's credentials",
  );
  const otherId = theirs.body.credential.id;
  assert.equal((await cloud.call('GET', `${C}/${otherId}`, { token: alice.token })).status, 403);
  assert.equal((await cloud.call('DELETE', `${C}/${otherId}`, { token: alice.token })).status, 403);
  assert.equal(
    (await cloud.call('PATCH', `${C}/${otherId}`, { token: alice.token, body: { credential: { blob: 'y' } } })).status,
    403,
  );
  const handOver = await cloud.call('PATCH', `${C}/${mine.body.credential.id}`, {
    token: alice.token,
    body: { credential: { user_id: bob.userId } },
  });
  assert.equal(handOver.status, 403, 'a member cannot give a credential to someone else');
  const still = await cloud.call('GET', `${C}/${mine.body.credential.id}`, { token: alice.token });
  assert.equal(still.body.credential.user_id, alice.userId);
  const own = await cloud.call('PATCH', `${C}/${mine.body.credential.id}`, {
    token: alice.token,
    body: { credential: { blob: 'seed-a2' } },
  });
  assert.equal(own.status, 200);
  assert.equal(own.body.credential.blob, 'seed-a2');
  assert.equal((await cloud.call('DELETE', `${C}/${mine.body.credential.id}`, { token: alice.token })).status, 204);
});

test('credentials: bad input is 400', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const alice = await createMember(cloud, 'alice');
  const base = { user_id: alice.userId, project_id: alice.projectId, type: 'ec2' };
  const bad: Record<string, unknown>[] = [
    { ...base, blob: 'not json' },
    { ...base, blob: '{}' },
    { ...base, blob: '{"secret": "s"}' },
    { ...base, blob: '[1]' },
    { user_id: alice.userId, type: 'ec2', blob: '{"access": "a"}' },
    { user_id: alice.userId, type: 'cert' },
    { type: 'cert', blob: 'b' },
    { user_id: alice.userId, blob: 'b' },
    { ...base, blob: 5 },
  ];
  for (const credential of bad) {
    const res = await cloud.call('POST', C, { token, body: { credential } });
    assert.equal(res.status, 400, JSON.stringify(credential));
    assert.equal(res.body.error.code, 400);
  }
  const cert = await cloud.call('POST', C, {
    token,
    body: { credential: { user_id: alice.userId, type: 'c', blob: 'b' } },
  });
  const id = cert.body.credential.id;
  for (const credential of [{}, { id: 'other' }, { type: 'ec2' }, { blob: 3 }]) {
    const res = await cloud.call('PATCH', `${C}/${id}`, { token, body: { credential } });
    assert.equal(res.status, 400, JSON.stringify(credential));
  }
});

test('OS-EC2: a member creates, lists, shows and deletes their keys (Tempest test_ec2_credentials)', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'alice');
  const bob = await createMember(cloud, 'bob');
  const path = `/identity/v3/users/${alice.userId}/credentials/OS-EC2`;

  const made = await cloud.call('POST', path, { token: alice.token, body: { tenant_id: alice.projectId } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const ec2 = made.body.credential;
  assert.match(ec2.access, /^[0-9a-f]{32}$/);
  assert.match(ec2.secret, /^[0-9a-f]{32}$/);
  assert.equal(ec2.user_id, alice.userId);
  assert.equal(ec2.tenant_id, alice.projectId);
  assert.equal(ec2.trust_id, null);
  assert.match(ec2.links.self, new RegExp(`${path}/${ec2.access}$`));
  const second = await cloud.call('POST', path, { token: alice.token, body: { tenant_id: alice.projectId } });

  const listed = await cloud.call('GET', path, { token: alice.token });
  assert.equal(listed.status, 200);
  assert.deepEqual(
    listed.body.credentials.map((c: { access: string }) => c.access).sort(),
    [ec2.access, second.body.credential.access].sort(),
  );
  const shown = await cloud.call('GET', `${path}/${ec2.access}`, { token: alice.token });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.body.credential, ec2);

  // One key, one row: the generic credential API sees it under the hash of the access key.
  const generic = await cloud.call('GET', `${C}/${sha256(ec2.access)}`, { token: cloud.adminToken });
  assert.equal(generic.body.credential.type, 'ec2');
  assert.equal(JSON.parse(generic.body.credential.blob).secret, ec2.secret);

  assert.equal((await cloud.call('GET', path, { token: bob.token })).status, 403);
  assert.equal((await cloud.call('GET', `${path}/${ec2.access}`, { token: bob.token })).status, 403);
  assert.equal((await cloud.call('POST', path, { token: bob.token, body: { tenant_id: bob.projectId } })).status, 403);
  const bobPath = `/identity/v3/users/${bob.userId}/credentials/OS-EC2`;
  assert.equal(
    (await cloud.call('GET', `${bobPath}/${ec2.access}`, { token: cloud.adminToken })).status,
    404,
    "a key is found only under its owner's path",
  );
  assert.equal((await cloud.call('POST', path, { token: alice.token, body: {} })).status, 400);
  assert.equal((await cloud.call('POST', path, { token: alice.token, body: { tenant_id: 'nope' } })).status, 404);
  assert.equal(
    (await cloud.call('GET', '/identity/v3/users/nope/credentials/OS-EC2', { token: cloud.adminToken })).status,
    404,
  );

  assert.equal((await cloud.call('DELETE', `${path}/${ec2.access}`, { token: alice.token })).status, 204);
  assert.equal((await cloud.call('GET', `${path}/${ec2.access}`, { token: alice.token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${path}/${ec2.access}`, { token: alice.token })).status, 404);
});
