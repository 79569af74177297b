import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { createMember } from '../../identity/member-fixture.ts';
import { type BadCase, bad, runBadCases } from '../bad-input-cases.ts';
import { create } from '../image-fixtures.ts';

const IMAGES = '/v2/images';
const NONE = '00000000-0000-0000-0000-000000000000';
const fields = { disk_format: 'raw', container_format: 'bare' };

/** GET /v2/images: Glance's index deserializer and DB filters answer 400 for anything they cannot use. */
function listCases(hiddenId: string, bobToken: string): BadCase[] {
  const q = (name: string, query: string, extra: Partial<BadCase> = {}) =>
    bad(`list: ${name}`, 400, 'GET', `${IMAGES}?${query}`, extra);
  return [
    q('limit not a number', 'limit=x'),
    q('limit fractional', 'limit=1.5'),
    q('negative limit', 'limit=-1'),
    q('unknown sort key', 'sort_key=colour'),
    q('unknown sort dir', 'sort_dir=up'),
    q('unknown sort dir in sort', 'sort=name:up'),
    q('two directions in sort', 'sort=name:asc:desc'),
    q('unknown key in sort', 'sort=colour:asc'),
    q('old and new sort syntax', 'sort=name&sort_key=id'),
    q('sort dirs not matching keys', 'sort_key=name&sort_key=id&sort_key=size&sort_dir=asc&sort_dir=desc'),
    q('unknown visibility', 'visibility=x'),
    q('unknown member_status', 'member_status=x'),
    q('os_hidden not boolean', 'os_hidden=maybe'),
    q('protected not boolean', 'protected=1'),
    q('size_min not a number', 'size_min=big'),
    q('created_at with an unknown operator', 'created_at=after:2020-01-01T00:00:00Z'),
    q('created_at not a time', 'created_at=gt:yesterday'),
    q('updated_at not a time', 'updated_at=lte:2020-13-45'),
    q('created_at with no time', 'created_at=gt:'),
    q('changes-since (gone in v2)', 'changes-since=2020-01-01'),
    q('in: with an unclosed quote', 'id=in:"unterminated'),
    q('in: with text after a closing quote', 'name=in:"a"b,c'),
    q('marker of no image', `marker=${NONE}`),
    q('marker not a UUID', 'marker=nope'),
    q("marker of another project's private image", `marker=${hiddenId}`, { token: bobToken }),
  ];
}

test('images: bad lists, other projects and members answer Glance 4xx bodies', async (t) => {
  const cloud = await startCloud(t);
  const admin = cloud.adminToken;
  const alice = await createMember(cloud, 'bad-access-alice');
  const bob = await createMember(cloud, 'bad-access-bob');
  const priv = (await create(cloud, alice.token, { name: 'priv', visibility: 'private', ...fields })).id;
  const prot = (await create(cloud, alice.token, { name: 'prot', protected: true, ...fields })).id;
  const shared = (await create(cloud, alice.token, { name: 'shared', visibility: 'shared', ...fields })).id;
  const pub = (await create(cloud, admin, { name: 'pub', visibility: 'public', ...fields })).id;
  const queued = (await create(cloud, admin, { name: 'queued', ...fields })).id;
  const added = await cloud.call('POST', `/image${IMAGES}/${shared}/members`, {
    token: alice.token,
    body: { member: bob.projectId },
  });
  assert.equal(added.status, 200, JSON.stringify(added.body));

  const members = (id: string) => `${IMAGES}/${id}/members`;
  const asBob = { token: bob.token };
  const asAlice = { token: alice.token };
  const cases: BadCase[] = [
    ...listCases(priv, bob.token),
    bad('show: no such image', 404, 'GET', `${IMAGES}/${NONE}`),
    bad('show: id not a UUID', 404, 'GET', `${IMAGES}/not-an-id`),
    bad('show: empty id', 404, 'GET', `${IMAGES}/`),
    bad('delete: no such image', 404, 'DELETE', `${IMAGES}/${NONE}`),
    bad('no token', 401, 'GET', IMAGES, { token: '' }),
    bad("show: another project's private image", 404, 'GET', `${IMAGES}/${priv}`, asBob),
    bad("update: another project's private image", 404, 'PATCH', `${IMAGES}/${priv}`, {
      ...asBob,
      raw: JSON.stringify([{ op: 'replace', path: '/name', value: 'mine' }]),
      type: 'application/openstack-images-v2.1-json-patch',
    }),
    bad("delete: another project's private image", 404, 'DELETE', `${IMAGES}/${priv}`, asBob),
    bad("deactivate: another project's private image", 404, 'POST', `${IMAGES}/${priv}/actions/deactivate`, asBob),
    bad("tag: another project's private image", 404, 'PUT', `${IMAGES}/${priv}/tags/x`, asBob),
    bad('delete: shared image by a member', 403, 'DELETE', `${IMAGES}/${shared}`, asBob),
    bad('update: shared image by a member', 403, 'PATCH', `${IMAGES}/${shared}`, {
      ...asBob,
      raw: JSON.stringify([{ op: 'replace', path: '/name', value: 'mine' }]),
      type: 'application/openstack-images-v2.1-json-patch',
    }),
    bad('delete: protected image', 403, 'DELETE', `${IMAGES}/${prot}`, asAlice),
    bad('deactivate: public image by a non-owner', 403, 'POST', `${IMAGES}/${pub}/actions/deactivate`, asAlice),
    bad('deactivate: queued image', 403, 'POST', `${IMAGES}/${queued}/actions/deactivate`),
    bad('reactivate: queued image', 403, 'POST', `${IMAGES}/${queued}/actions/reactivate`),
    bad('create: public image by a non-admin', 403, 'POST', IMAGES, { ...asAlice, body: { visibility: 'public' } }),
    bad('create: image owned by another project', 403, 'POST', IMAGES, { ...asAlice, body: { owner: bob.projectId } }),
    bad('members: add to a private image', 403, 'POST', members(priv), { ...asAlice, body: { member: bob.projectId } }),
    bad('members: add to no such image', 404, 'POST', members(NONE), { ...asAlice, body: { member: bob.projectId } }),
    bad('members: list of no such image', 404, 'GET', members(NONE)),
    bad('members: add twice', 409, 'POST', members(shared), { ...asAlice, body: { member: bob.projectId } }),
    bad('members: add by a member', 403, 'POST', members(shared), { ...asBob, body: { member: 'someone' } }),
    bad('members: add without member', 400, 'POST', members(shared), { ...asAlice, body: {} }),
    bad('members: bad status', 400, 'PUT', `${members(shared)}/${bob.projectId}`, {
      ...asBob,
      body: { status: 'maybe' },
    }),
    bad('members: status not JSON', 400, 'PUT', `${members(shared)}/${bob.projectId}`, {
      ...asBob,
      raw: '{"status":',
    }),
    bad('members: status set by the owner', 403, 'PUT', `${members(shared)}/${bob.projectId}`, {
      ...asAlice,
      body: { status: 'accepted' },
    }),
    bad('members: status of no such member', 404, 'PUT', `${members(shared)}/nobody`, {
      body: { status: 'accepted' },
    }),
    bad('members: delete no such member', 404, 'DELETE', `${members(shared)}/nobody`, asAlice),
    bad("members: another project's private image", 404, 'GET', members(priv), asBob),
    bad('members: over-long member id', 404, 'GET', `${members(shared)}/${'m'.repeat(300)}`, asAlice),
    bad('members: over-long image id', 404, 'GET', members('i'.repeat(300))),
    bad('members: member id over 255', 400, 'POST', members(shared), { ...asAlice, body: { member: 'm'.repeat(256) } }),
  ];
  await runBadCases(t, cloud, cases);
  // The good neighbours of the bad filters above: a bare ISO time is `eq` (Glance's split_filter_op), quotes pair up.
  for (const query of [
    'created_at=2020-01-01T00:00:00Z',
    'created_at=lte:2999-01-01T00:00:00%2B0100',
    'name=in:"a,b",c',
  ]) {
    const res = await cloud.call('GET', `/image${IMAGES}?${query}`, { token: admin });
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
  }
  const later = await cloud.call('GET', `/image${IMAGES}?created_at=lte:2999-01-01T00:00:00%2B0100`, { token: admin });
  assert.ok(later.body.images.some((img: { id: string }) => img.id === queued));
});
