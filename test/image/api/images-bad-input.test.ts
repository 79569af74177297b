import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { type BadCase, bad, runBadCases } from '../bad-input-cases.ts';
import { create, PATCH_20, PATCH_21 } from '../image-fixtures.ts';

const IMAGES = '/v2/images';
const long = (n: number) => 'x'.repeat(n);
const manyProps = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, 'v']));
const manyTags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

/** POST /v2/images: Glance's request deserializer, schema and ImageFactory checks, in that order. */
function createCases(existingId: string): BadCase[] {
  const post = (name: string, status: number, body: unknown) => bad(name, status, 'POST', IMAGES, { body });
  const raw = (name: string, status: number, text: string) => bad(name, status, 'POST', IMAGES, { raw: text });
  return [
    raw('create: not JSON', 400, '{"name":'),
    raw('create: empty body', 400, ''),
    post('create: body is an array', 400, [1]),
    post('create: body is a string', 400, 'image'),
    post('create: bad disk_format', 400, { disk_format: 'wrong', container_format: 'bare' }),
    post('create: bad container_format', 400, { disk_format: 'vhd', container_format: 'wrong' }),
    post('create: disk_format not a string', 400, { disk_format: 5 }),
    post('create: bad visibility', 400, { visibility: 'everyone' }),
    post('create: name over 255', 400, { name: long(256) }),
    post('create: name not a string', 400, { name: 5 }),
    post('create: negative min_ram', 400, { min_ram: -1 }),
    post('create: fractional min_ram', 400, { min_ram: 1.5 }),
    post('create: min_disk as a string', 400, { min_disk: '1' }),
    post('create: min_disk past int32', 400, { min_disk: 2 ** 31 }),
    post('create: protected not boolean', 400, { protected: 'yes' }),
    post('create: os_hidden not boolean', 400, { os_hidden: 'no' }),
    post('create: id not a UUID', 400, { id: 'nope' }),
    post('create: id not a string', 400, { id: 7 }),
    post('create: id already taken', 409, { id: existingId }),
    post('create: read-only status', 403, { status: 'active' }),
    post('create: read-only checksum', 403, { checksum: 'd41d8cd98f00b204e9800998ecf8427e' }),
    post('create: read-only size', 403, { size: 5 }),
    post('create: read-only os_hash_value', 403, { os_hash_value: 'ab' }),
    post('create: read-only created_at', 403, { created_at: '2020-01-01T00:00:00Z' }),
    post('create: disallowed self', 403, { self: 'x' }),
    post('create: disallowed file', 403, { file: 'x' }),
    post('create: disallowed direct_url', 403, { direct_url: 'file:///x' }),
    post('create: reserved location', 403, { location: 'http://example.com/x' }),
    post('create: reserved deleted', 403, { deleted: 'true' }),
    post('create: reserved namespace', 403, { os_glance_foo: 'bar' }),
    post('create: property not a string', 400, { foo: 1 }),
    post('create: property name over 255', 400, { [long(256)]: 'v' }),
    post('create: tags not a list', 400, { tags: 'a,b' }),
    post('create: tag over 255', 400, { tags: [long(256)] }),
    post('create: tag not a string', 400, { tags: [1] }),
    post('create: too many properties', 413, manyProps(129)),
    post('create: too many tags', 413, { tags: manyTags(129) }),
    post('create: body over the request size limit', 413, { name: 'big', description: long(120 * 1024) }),
  ];
}

/** PATCH /v2/images/{id}: media type, then the patch document, then the change against the image. */
function patchCases(id: string, aliceImage: string, aliceToken: string): BadCase[] {
  const path = `${IMAGES}/${id}`;
  const p = (name: string, status: number, ops: unknown, extra: Partial<BadCase> = {}) =>
    bad(name, status, 'PATCH', path, {
      raw: typeof ops === 'string' ? ops : JSON.stringify(ops),
      type: PATCH_21,
      ...extra,
    });
  return [
    p('patch: application/json', 415, [], { type: 'application/json' }),
    p('patch: text/plain', 415, [], { type: 'text/plain' }),
    p('patch: not JSON', 400, '[{'),
    p('patch: empty body', 400, ''),
    p('patch: not a list', 400, {}),
    p('patch: operation not an object', 400, [1]),
    p('patch: unknown op', 400, [{ op: 'move', path: '/name', from: '/x' }]),
    p('patch: no op', 400, [{ path: '/name', value: 'x' }]),
    p('patch: no path', 400, [{ op: 'replace', value: 'x' }]),
    p('patch: path without a slash', 400, [{ op: 'replace', path: 'name', value: 'x' }]),
    p('patch: path with a bad escape', 400, [{ op: 'add', path: '/a~2b', value: 'x' }]),
    p('patch: path too deep', 400, [{ op: 'add', path: '/tags/-', value: 'a' }]),
    p('patch: no value', 400, [{ op: 'add', path: '/name' }]),
    p('patch 2.0: two ops in one object', 400, [{ add: '/a', replace: '/b', value: 'x' }], { type: PATCH_20 }),
    p('patch 2.0: no op member', 400, [{ path: '/a', value: 'x' }], { type: PATCH_20 }),
    p('patch 2.0: add an existing attribute', 409, [{ add: '/name', value: 'y' }], { type: PATCH_20 }),
    p('patch: read-only status', 403, [{ op: 'replace', path: '/status', value: 'active' }]),
    p('patch: read-only id', 403, [{ op: 'replace', path: '/id', value: id }]),
    p('patch: read-only checksum', 403, [{ op: 'add', path: '/checksum', value: 'x' }]),
    p('patch: read-only size', 403, [{ op: 'replace', path: '/size', value: 1 }]),
    p('patch: read-only os_hash_value', 403, [{ op: 'remove', path: '/os_hash_value' }]),
    p('patch: reserved location', 403, [{ op: 'add', path: '/location', value: 'http://x' }]),
    p('patch: reserved namespace', 403, [{ op: 'add', path: '/os_glance_foo', value: 'x' }]),
    p('patch: remove name', 403, [{ op: 'remove', path: '/name' }]),
    p('patch: remove disk_format', 403, [{ op: 'remove', path: '/disk_format' }]),
    p('patch: remove a missing property', 409, [{ op: 'remove', path: '/nope' }]),
    p('patch: replace a missing property', 409, [{ op: 'replace', path: '/nope', value: 'x' }]),
    p('patch: bad disk_format', 400, [{ op: 'replace', path: '/disk_format', value: 'x' }]),
    p('patch: bad visibility', 400, [{ op: 'replace', path: '/visibility', value: 'everyone' }]),
    p('patch: min_ram not an integer', 400, [{ op: 'replace', path: '/min_ram', value: 'x' }]),
    p('patch: negative min_ram', 400, [{ op: 'replace', path: '/min_ram', value: -1 }]),
    p('patch: protected not boolean', 400, [{ op: 'replace', path: '/protected', value: 'yes' }]),
    p('patch: name over 255', 400, [{ op: 'replace', path: '/name', value: long(256) }]),
    p('patch: tags not a list', 400, [{ op: 'replace', path: '/tags', value: 'a' }]),
    p('patch: tag over 255', 400, [{ op: 'add', path: '/tags', value: [long(256)] }]),
    p('patch: property not a string', 400, [{ op: 'add', path: '/foo', value: 5 }]),
    p('patch: too many tags', 413, [{ op: 'replace', path: '/tags', value: manyTags(129) }]),
    p('patch: missing image', 404, [{ op: 'add', path: '/foo', value: 'x' }], {
      path: `${IMAGES}/00000000-0000-0000-0000-000000000000`,
    }),
    p('patch: owner by a non-admin', 403, [{ op: 'replace', path: '/owner', value: 'someone' }], {
      path: `${IMAGES}/${aliceImage}`,
      token: aliceToken,
    }),
  ];
}

test('images: bad create and patch requests answer Glance 4xx bodies', async (t) => {
  const cloud = await startCloud(t);
  const alice = await createMember(cloud, 'bad-patch-alice');
  const img = await create(cloud, cloud.adminToken, { name: 'x', disk_format: 'raw', container_format: 'bare' });
  const mine = await create(cloud, alice.token, { name: 'a', disk_format: 'raw', container_format: 'bare' });
  await runBadCases(t, cloud, [...createCases(img.id), ...patchCases(img.id, mine.id, alice.token)]);
});
