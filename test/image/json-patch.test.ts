import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, decodePointer, type ImageDoc, parsePatch } from '../../src/image/json-patch.ts';

const V21 = 'application/openstack-images-v2.1-json-patch';
const V20 = 'application/openstack-images-v2.0-json-patch';

const doc = (): ImageDoc => ({
  status: 'queued',
  attributes: { name: 'a', visibility: 'shared', protected: false, disk_format: 'raw', min_ram: 0 },
  properties: { os_distro: 'cirros' },
  tags: ['t'],
});

test("decodePointer unescapes ~1 and ~0 and refuses Glance's bad pointers", () => {
  assert.deepEqual(decodePointer('/a~1b~0c'), ['a/b~c']);
  for (const bad of ['name', '/a//b', '/a/', '/a~2', '/a~']) assert.throws(() => decodePointer(bad), { status: 400 });
});

test('parsePatch reads both dialects and checks media type, shape and schema', () => {
  assert.deepEqual(parsePatch(V21, [{ op: 'replace', path: '/name', value: 'b' }]), [
    { op: 'replace', path: ['name'], value: 'b', draft: 10 },
  ]);
  assert.deepEqual(parsePatch(`${V20}; charset=UTF-8`, [{ remove: '/os_distro' }]), [
    { op: 'remove', path: ['os_distro'], draft: 4 },
  ]);
  assert.throws(() => parsePatch('application/json', []), { status: 415 });
  assert.throws(() => parsePatch(undefined, []), { status: 415 });
  const bad: [unknown, number][] = [
    [{}, 400],
    [[1], 400],
    [[{ path: '/name', value: 'x' }], 400],
    [[{ op: 'copy', path: '/name' }], 400],
    [[{ op: 'add', value: 'x' }], 400],
    [[{ op: 'add', path: '/name' }], 400],
    [[{ op: 'add', path: '/a/b', value: 'x' }], 400],
    [[{ op: 'add', path: '/min_ram', value: 'x' }], 400],
    [[{ op: 'add', path: '/foo', value: 1 }], 400],
    [[{ op: 'replace', path: '/id', value: 'x' }], 403],
    [[{ op: 'add', path: '/os_glance_x', value: 'x' }], 403],
    [[{ op: 'add', path: '/deleted', value: 'x' }], 403],
  ];
  for (const [body, status] of bad) assert.throws(() => parsePatch(V21, body), { status }, JSON.stringify(body));
  assert.throws(() => parsePatch(V20, [{ add: '/a', replace: '/a', value: 'x' }]), { status: 400 });
});

test('applyPatch follows Glance: add overwrites in 2.1, conflicts in 2.0; base attributes are never removed', () => {
  const d = doc();
  const next = applyPatch(
    d,
    parsePatch(V21, [
      { op: 'add', path: '/os_distro', value: 'ubuntu' },
      { op: 'add', path: '/hw', value: 'x' },
      { op: 'replace', path: '/tags', value: ['b', 'b', 'c'] },
      { op: 'replace', path: '/name', value: null },
    ]),
    { isAdmin: false },
  );
  assert.deepEqual(next.properties, { os_distro: 'ubuntu', hw: 'x' });
  assert.deepEqual(next.tags, ['b', 'c']);
  assert.equal(next.attributes.name, null);
  assert.deepEqual(d, doc(), 'the input is left alone');
  const fails: [string, unknown[], number][] = [
    [V20, [{ add: '/os_distro', value: 'x' }], 409],
    [V21, [{ op: 'replace', path: '/nope', value: 'x' }], 409],
    [V21, [{ op: 'remove', path: '/nope' }], 409],
    [V21, [{ op: 'remove', path: '/name' }], 403],
    [V21, [{ op: 'replace', path: '/owner', value: 'p' }], 403],
    [V21, [{ op: 'replace', path: '/min_ram', value: -1 }], 400],
    [V21, [{ op: 'add', path: '/locations/-', value: { url: 'x', metadata: {} } }], 403],
  ];
  for (const [type, body, status] of fails)
    assert.throws(
      () => applyPatch(doc(), parsePatch(type, body), { isAdmin: false }),
      { status },
      JSON.stringify(body),
    );
  assert.equal(
    applyPatch(doc(), parsePatch(V21, [{ op: 'replace', path: '/owner', value: 'p' }]), { isAdmin: true }).attributes
      .owner,
    'p',
  );
  const active = { ...doc(), status: 'active' };
  assert.throws(
    () =>
      applyPatch(active, parsePatch(V21, [{ op: 'replace', path: '/disk_format', value: 'qcow2' }]), { isAdmin: true }),
    {
      status: 403,
    },
  );
});
