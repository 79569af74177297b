import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCloud, type TestCloud } from '../helpers/cloud.ts';
import { createMember, type Member } from '../identity/member-fixture.ts';
import { novaCaller } from './compute-fixture.ts';

// Keys made by ssh-keygen, with the MD5 fingerprints `ssh-keygen -E md5 -lf` printed for them.
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKibQddWkyi4Lk7h7im/Q9giMZf1Q/ktaWlCscE7M4XC test@host';
const ED25519_FP = '06:7d:40:0d:ad:89:59:79:b4:14:83:50:2a:13:92:5f';
const RSA =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQD88rs3+4ujBaGo8N5nQJCxlD1zCMieiXQO5ISMv9qZ/21ajLC2RnN0j2jKG1wZnldjsvmBUSrgtr91hwMxLKfyxQnE6rW0lvpgiAMqeUik5VgLcauTyv0k7qCZM1mn3FkGga3LRb+p9f27r8ZL8YTs1dkI90NtWVbUNWXdfiLlcCaCQnLbCe+kNX6RpHcvEIJRdA6Ff9zmZzAZdGQ7x6ABm2Y4h/4Eva5hf/c0pMdv163c/5cWhZ2bfhJZw9EInUaaW4BRRoA++5G3vgPzqdB2uLsJAaZs3f63klkYvWyGaPO6DxDGTQnT/C4HaET8JTi4WXnfrjRo/TBVFoxdQqiB test@host';
const RSA_FP = '56:ae:f6:ac:d1:f7:26:29:3e:e8:1a:c4:f4:e6:c2:4f';

describe('key pairs', () => {
  let cloud: TestCloud;
  let alice: Member;
  let bob: Member;
  const nova = novaCaller(() => cloud);

  before(async () => {
    cloud = await startCloud(undefined, { compute: { quotas: { key_pairs: 3 } } });
    alice = await createMember(cloud, 'kp-alice');
    bob = await createMember(cloud, 'kp-bob');
  });
  after(() => cloud.close());

  it('generates a key pair at 2.1 (200, private key once) and shows it with the 2.1 fields', async () => {
    const made = await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'gen-1' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const kp = made.body.keypair;
    assert.deepEqual(Object.keys(kp).sort(), ['fingerprint', 'name', 'private_key', 'public_key', 'user_id']);
    assert.match(kp.public_key, /^ssh-rsa AAAA[A-Za-z0-9+/=]+ Generated-by-Nova$/);
    assert.match(kp.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.match(kp.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.equal(kp.user_id, alice.userId);
    const shown = await nova(alice.token, 'GET', '/os-keypairs/gen-1');
    assert.deepEqual(Object.keys(shown.body.keypair).sort(), [
      'created_at',
      'deleted',
      'deleted_at',
      'fingerprint',
      'id',
      'name',
      'public_key',
      'updated_at',
      'user_id',
    ]);
    assert.equal(typeof shown.body.keypair.id, 'number');
    assert.equal(shown.body.keypair.fingerprint, kp.fingerprint);
    const list = await nova(alice.token, 'GET', '/os-keypairs');
    assert.deepEqual(list.body.keypairs, [
      { keypair: { name: 'gen-1', public_key: kp.public_key, fingerprint: kp.fingerprint } },
    ]);
    assert.equal((await nova(bob.token, 'GET', '/os-keypairs/gen-1')).status, 404, 'key pairs are per user');
    assert.equal((await nova(alice.token, 'DELETE', '/os-keypairs/gen-1')).status, 202);
  });

  it('imports public keys at 2.2 (201, type, 204 on delete) with Nova fingerprints', async () => {
    const made = await nova(
      alice.token,
      'POST',
      '/os-keypairs',
      { keypair: { name: 'imp ed', public_key: ED25519 } },
      '2.2',
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.keypair.type, 'ssh');
    assert.equal(made.body.keypair.private_key, undefined);
    assert.equal(made.body.keypair.fingerprint, ED25519_FP);
    const r = await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'imp-rsa', public_key: RSA } }, '2.2');
    assert.equal(r.body.keypair.fingerprint, RSA_FP);
    await nova(alice.token, 'DELETE', '/os-keypairs/imp-rsa', undefined, '2.2');
    const x509 = await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'cert', type: 'x509' } }, '2.2');
    assert.equal(x509.status, 201, JSON.stringify(x509.body));
    assert.match(x509.body.keypair.public_key, /BEGIN CERTIFICATE/);
    assert.match(x509.body.keypair.fingerprint, /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const listed = await nova(alice.token, 'GET', '/os-keypairs', undefined, '2.2');
    assert.deepEqual(listed.body.keypairs.map((k: { keypair: { type: string } }) => k.keypair.type).sort(), [
      'ssh',
      'x509',
    ]);
    const dup = await nova(alice.token, 'POST', '/os-keypairs', { keypair: { name: 'cert' } }, '2.2');
    assert.equal(dup.status, 409);
    assert.equal(dup.body.conflictingRequest.message, "Key pair 'cert' already exists.");
    assert.equal((await nova(alice.token, 'DELETE', '/os-keypairs/cert', undefined, '2.2')).status, 204);
    const gone = await nova(alice.token, 'DELETE', '/os-keypairs/cert', undefined, '2.2');
    assert.equal(gone.status, 404);
    assert.equal(gone.body.itemNotFound.message, `Keypair cert not found for user ${alice.userId}`);
    await nova(alice.token, 'DELETE', '/os-keypairs/imp ed', undefined, '2.2');
  });

  it('admins manage other users key pairs from 2.10; paging from 2.35', async () => {
    const admin = cloud.adminToken;
    for (const name of ['b1', 'b2'])
      assert.equal(
        (
          await nova(
            admin,
            'POST',
            '/os-keypairs',
            { keypair: { name, public_key: ED25519, user_id: bob.userId } },
            '2.10',
          )
        ).status,
        201,
      );
    const list = await nova(admin, 'GET', `/os-keypairs?user_id=${bob.userId}`, undefined, '2.10');
    assert.deepEqual(
      list.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name),
      ['b1', 'b2'],
    );
    const shown = await nova(admin, 'GET', `/os-keypairs/b1?user_id=${bob.userId}`, undefined, '2.10');
    assert.equal(shown.body.keypair.user_id, bob.userId);
    const forOther = await nova(alice.token, 'GET', `/os-keypairs?user_id=${bob.userId}`, undefined, '2.10');
    assert.equal(forOther.status, 403);
    const page = await nova(bob.token, 'GET', '/os-keypairs?limit=1', undefined, '2.35');
    assert.equal(page.body.keypairs.length, 1);
    assert.match(page.body.keypairs_links[0].href, /marker=b1/);
    const rest = await nova(bob.token, 'GET', '/os-keypairs?marker=b1', undefined, '2.35');
    assert.deepEqual(
      rest.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name),
      ['b2'],
    );
    assert.equal((await nova(bob.token, 'GET', '/os-keypairs?marker=zz', undefined, '2.35')).status, 400);
  });

  it('key pair quota is per user (403)', async () => {
    // bob has b1, b2; the limit is 3.
    assert.equal(
      (await nova(bob.token, 'POST', '/os-keypairs', { keypair: { name: 'b3', public_key: ED25519 } })).status,
      200,
    );
    const over = await nova(bob.token, 'POST', '/os-keypairs', { keypair: { name: 'b4', public_key: ED25519 } });
    assert.equal(over.status, 403);
    assert.equal(over.body.forbidden.message, 'Quota exceeded, too many key pairs.');
  });

  it('rejects bad key pairs with 400', async () => {
    const cases: [string, unknown, string?][] = [
      ['invalid public key', { keypair: { name: 'k', public_key: 'ssh-rsa JUNK nova@ubuntu' } }],
      ['blank public key', { keypair: { name: 'k', public_key: ' ' } }],
      ['oversized junk key', { keypair: { name: 'k', public_key: `ssh-rsa ${'A'.repeat(2048)} openstack@ubuntu` } }],
      ['empty name', { keypair: { name: '' } }],
      ['long name', { keypair: { name: 'keypair-'.padEnd(260, '0') } }],
      ['unsafe name', { keypair: { name: 'key_/.\\@:' } }],
      ['no keypair', {}],
      ['unknown field', { keypair: { name: 'k', colour: 'red' } }],
      ['type at 2.1', { keypair: { name: 'k', type: 'ssh' } }],
      ['bad type', { keypair: { name: 'k', type: 'rsa' } }, '2.2'],
      ['user_id before 2.10', { keypair: { name: 'k', user_id: 'u' } }, '2.9'],
      ['generate at 2.92', { keypair: { name: 'k' } }, '2.92'],
      ['bad x509', { keypair: { name: 'k', type: 'x509', public_key: 'nope' } }, '2.2'],
    ];
    for (const [name, body, mv] of cases) {
      const res = await nova(alice.token, 'POST', '/os-keypairs', body, mv);
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.badRequest.code, 400);
    }
    const dotted = await nova(
      alice.token,
      'POST',
      '/os-keypairs',
      { keypair: { name: 'a.b@c', public_key: ED25519 } },
      '2.92',
    );
    assert.equal(dotted.status, 201, '2.92 allows @ and .');
  });
});
