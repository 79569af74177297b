import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { delegationFixtures } from '../delegation-fixtures.ts';

const V3 = '/identity/v3';

async function setup(t: Parameters<typeof startCloud>[0]) {
  const cloud = await startCloud(t);
  const fx = delegationFixtures(cloud);
  const project = await fx.project();
  const alice = await fx.user();
  const bob = await fx.user();
  const member = await fx.roleId('member');
  const reader = await fx.roleId('reader');
  const extra = await fx.role();
  await fx.grant(project.id, alice.id, member);
  await fx.grant(project.id, alice.id, extra.id);
  await fx.grant(project.id, bob.id, member);
  const aliceToken = await fx.login(alice, project.id);
  const bobToken = await fx.login(bob, project.id);
  const create = (body: unknown, token = aliceToken, userId = alice.id) =>
    cloud.call('POST', `${V3}/users/${userId}/application_credentials`, {
      token,
      body: { application_credential: body },
    });
  return { cloud, fx, project, alice, bob, member, reader, extra, aliceToken, bobToken, create };
}

test('application credentials: create, show without secret, list, filter by name, authenticate, delete', async (t) => {
  const { cloud, fx, project, alice, member, reader, extra, aliceToken, create } = await setup(t);
  const made = await create({ name: 'backup', description: 'nightly' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const cred = made.body.application_credential;
  assert.match(cred.secret, /^[A-Za-z0-9_-]{86}$/, '64 random bytes, URL-safe base64 without padding');
  assert.equal(cred.name, 'backup');
  assert.equal(cred.description, 'nightly');
  assert.equal(cred.project_id, project.id);
  assert.equal(cred.expires_at, null);
  assert.equal(cred.unrestricted, false);
  assert.deepEqual(cred.access_rules, []);
  assert.equal(cred.user_id, undefined, 'Keystone does not show user_id');
  assert.deepEqual(
    cred.roles.map((r: { id: string }) => r.id).sort(),
    [member, reader, extra.id].sort(),
    "defaults to the token's roles, implied ones included",
  );
  assert.deepEqual(Object.keys(cred.roles[0]).sort(), ['domain_id', 'id', 'name']);
  assert.match(cred.links.self, new RegExp(`/identity/v3/users/${alice.id}/application_credentials/${cred.id}$`));

  const shown = await cloud.call('GET', `${V3}/users/${alice.id}/application_credentials/${cred.id}`, {
    token: aliceToken,
  });
  assert.equal(shown.status, 200);
  assert.equal(shown.body.application_credential.secret, undefined);
  assert.equal(shown.body.application_credential.id, cred.id);
  const head = await cloud.call('HEAD', `${V3}/users/${alice.id}/application_credentials/${cred.id}`, {
    token: aliceToken,
  });
  assert.equal(head.status, 200);

  assert.equal((await create({ name: 'monitor', secret: 'chosen-secret' })).status, 201);
  const list = await cloud.call('GET', `${V3}/users/${alice.id}/application_credentials`, { token: aliceToken });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.application_credentials.map((c: { name: string }) => c.name).sort(), [
    'backup',
    'monitor',
  ]);
  assert.equal(list.body.links.next, null);
  const byName = await cloud.call('GET', `${V3}/users/${alice.id}/application_credentials?name=monitor`, {
    token: aliceToken,
  });
  assert.deepEqual(
    byName.body.application_credentials.map((c: { name: string }) => c.name),
    ['monitor'],
  );

  // By id.
  const byId = await fx.auth({
    identity: { methods: ['application_credential'], application_credential: { id: cred.id, secret: cred.secret } },
  });
  assert.equal(byId.status, 201, JSON.stringify(byId.body));
  assert.equal(byId.body.token.project.id, project.id);
  assert.equal(byId.body.token.user.id, alice.id);
  assert.deepEqual(byId.body.token.methods, ['application_credential']);
  assert.equal(byId.body.token.application_credential.id, cred.id);
  assert.equal(byId.body.token.application_credential.restricted, true);
  // By name and user (name + domain), with the chosen secret.
  const byName2 = await fx.auth({
    identity: {
      methods: ['application_credential'],
      application_credential: {
        name: 'monitor',
        secret: 'chosen-secret',
        user: { name: alice.name, domain: { id: 'default' } },
      },
    },
  });
  assert.equal(byName2.status, 201, JSON.stringify(byName2.body));
  // And by name with the user's id.
  const byUserId = await fx.auth({
    identity: {
      methods: ['application_credential'],
      application_credential: { name: 'monitor', secret: 'chosen-secret', user: { id: alice.id } },
    },
  });
  assert.equal(byUserId.status, 201);
  const wrong = await fx.auth({
    identity: { methods: ['application_credential'], application_credential: { id: cred.id, secret: 'nope' } },
  });
  assert.equal(wrong.status, 401);

  assert.equal((await fx.validate(byId.token!)).status, 200);
  const del = await cloud.call('DELETE', `${V3}/users/${alice.id}/application_credentials/${cred.id}`, {
    token: aliceToken,
  });
  assert.equal(del.status, 204);
  assert.equal((await fx.validate(byId.token!)).status, 404, 'its tokens stop validating');
  const again = await cloud.call('GET', `${V3}/users/${alice.id}/application_credentials/${cred.id}`, {
    token: aliceToken,
  });
  assert.equal(again.status, 404);
  assert.equal(
    (await cloud.call('DELETE', `${V3}/users/${alice.id}/application_credentials/${cred.id}`, { token: aliceToken }))
      .status,
    404,
  );
});

test('application credentials: explicit roles, expiry and the errors Keystone gives', async (t) => {
  const { fx, extra, member, create, project, alice } = await setup(t);
  const named = await create({ name: 'only-extra', roles: [{ name: extra.name }] });
  assert.equal(named.status, 201, JSON.stringify(named.body));
  assert.deepEqual(
    named.body.application_credential.roles.map((r: { id: string }) => r.id),
    [extra.id],
  );
  const tok = await fx.auth({
    identity: {
      methods: ['application_credential'],
      application_credential: {
        id: named.body.application_credential.id,
        secret: named.body.application_credential.secret,
      },
    },
  });
  assert.equal(tok.status, 201);
  assert.deepEqual(
    tok.body.token.roles.map((r: { id: string }) => r.id),
    [extra.id],
    'the token carries only the credential roles',
  );
  assert.equal(tok.body.token.project.id, project.id);

  const late = await fx.role();
  await fx.grant(project.id, alice.id, late.id);
  const fresh = await create({ name: 'late', roles: [{ id: late.id }] });
  assert.equal(fresh.status, 201, 'a role granted after the token was issued counts, as with Fernet tokens');

  const byId = await create({ name: 'by-id', roles: [{ id: member }] });
  assert.equal(byId.status, 201);
  assert.equal(byId.body.application_credential.roles.length, 2, 'member brings reader, which it implies');

  // Tempest: the echoed expires_at equals Python's naive isoformat() of what it sent.
  const when = '2099-03-04T05:06:07.123456';
  const expiring = await create({ name: 'expiring', expires_at: when });
  assert.equal(expiring.status, 201);
  assert.equal(expiring.body.application_credential.expires_at, when);
  const zoned = await create({ name: 'zoned', expires_at: '2099-03-04T05:06:07Z' });
  assert.equal(zoned.body.application_credential.expires_at, '2099-03-04T05:06:07.000000');

  const admin = await fx.roleId('admin');
  const cases: [string, unknown, number][] = [
    ['duplicate name', { name: 'by-id' }, 409],
    ['past expiry', { name: 'past', expires_at: '2001-01-01T00:00:00' }, 400],
    ['unreadable expiry', { name: 'bad', expires_at: 'bad.123Z' }, 400],
    ['impossible date', { name: 'bad', expires_at: '2099-02-31T00:00:00' }, 400],
    ['role not held', { name: 'r1', roles: [{ id: admin }] }, 400],
    ['unknown role name', { name: 'r2', roles: [{ name: 'no-such-role' }] }, 404],
    ['no name', { description: 'x' }, 400],
    ['blank name', { name: '   ' }, 400],
    ['unknown field', { name: 'u', colour: 'red' }, 400],
    ['role with id and name', { name: 'u', roles: [{ id: member, name: 'member' }] }, 400],
    ['empty role', { name: 'u', roles: [{}] }, 400],
    ['bad rule method', { name: 'u', access_rules: [{ service: 'compute', path: '/x', method: 'GRAB' }] }, 400],
    ['rule path not absolute', { name: 'u', access_rules: [{ service: 'compute', path: 'x', method: 'GET' }] }, 400],
    ['unknown rule id', { name: 'u', access_rules: [{ id: 'nonexistent' }] }, 404],
    ['unrestricted not boolean', { name: 'u', unrestricted: 'yes' }, 400],
  ];
  for (const [why, body, status] of cases) {
    const res = await create(body);
    assert.equal(res.status, status, `${why}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, status);
  }
});

test('application credentials: who may do what', async (t) => {
  const { cloud, fx, alice, bob, bobToken, create, project } = await setup(t);
  const mine = (await create({ name: 'mine' })).body.application_credential;
  const path = `${V3}/users/${alice.id}/application_credentials`;

  assert.equal((await create({ name: 'x' }, bobToken, alice.id)).status, 403, 'not for another user');
  assert.equal((await create({ name: 'x' }, fx.admin, alice.id)).status, 403, 'not even admin');
  assert.equal((await cloud.call('GET', path, { token: bobToken })).status, 403);
  assert.equal((await cloud.call('GET', `${path}/${mine.id}`, { token: bobToken })).status, 403);
  // Naming yourself in the path does not open someone else's credential.
  const sneaky = await cloud.call('GET', `${V3}/users/${bob.id}/application_credentials/${mine.id}`, {
    token: bobToken,
  });
  assert.equal(sneaky.status, 403);
  assert.equal((await cloud.call('DELETE', `${path}/${mine.id}`, { token: bobToken })).status, 403);
  assert.equal((await cloud.call('GET', path, { token: fx.admin })).status, 200, 'admin may list');
  assert.equal((await cloud.call('GET', path)).status, 401);

  // A restricted credential's token cannot make or delete credentials; an unrestricted one can.
  const restricted = await create({ name: 'restricted' });
  const unrestricted = await create({ name: 'unrestricted', unrestricted: true });
  assert.equal(unrestricted.body.application_credential.unrestricted, true);
  const tokenOf = async (c: { id: string; secret: string }) =>
    (
      await fx.auth({
        identity: { methods: ['application_credential'], application_credential: { id: c.id, secret: c.secret } },
      })
    ).token!;
  const rToken = await tokenOf(restricted.body.application_credential);
  const uToken = await tokenOf(unrestricted.body.application_credential);
  assert.equal((await create({ name: 'from-restricted' }, rToken)).status, 403);
  assert.equal((await cloud.call('DELETE', `${path}/${mine.id}`, { token: rToken })).status, 403);
  assert.equal((await cloud.call('GET', path, { token: rToken })).status, 200, 'reading is allowed');
  const child = await create({ name: 'from-unrestricted' }, uToken);
  assert.equal(child.status, 201, JSON.stringify(child.body));
  assert.equal(child.body.application_credential.project_id, project.id);

  // An unscoped token has no project to bind the credential to.
  const unscoped = (await cloud.login(alice.name, alice.password)).token;
  assert.equal((await create({ name: 'unscoped' }, unscoped)).status, 400);
});

test('access rules: created with a credential, shared, listed, protected while in use', async (t) => {
  const { cloud, fx, alice, bobToken, aliceToken, create } = await setup(t);
  const rule = { path: '/v2.1/servers/*/ips', method: 'GET', service: 'compute' };
  const made = await create({ name: 'ruled', access_rules: [rule] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const [got] = made.body.application_credential.access_rules;
  const { id: ruleId, ...rest } = got;
  assert.deepEqual(rest, rule, 'Tempest compares the rule minus its id');

  const tok = await fx.auth({
    identity: {
      methods: ['application_credential'],
      application_credential: {
        id: made.body.application_credential.id,
        secret: made.body.application_credential.secret,
      },
    },
  });
  assert.equal(tok.status, 201);
  assert.deepEqual(tok.body.token.application_credential.access_rules, [{ id: ruleId, ...rule }]);

  // The same rule again, or by id, is shared rather than duplicated.
  assert.equal(
    (await create({ name: 'same', access_rules: [rule] })).body.application_credential.access_rules[0].id,
    ruleId,
  );
  assert.equal((await create({ name: 'by-id', access_rules: [{ id: ruleId }] })).status, 201);
  const rules = `${V3}/users/${alice.id}/access_rules`;
  const list = await cloud.call('GET', rules, { token: aliceToken });
  assert.equal(list.status, 200);
  assert.equal(list.body.access_rules.length, 1);
  assert.equal(list.body.access_rules[0].id, ruleId);
  assert.ok(list.body.access_rules[0].links.self.endsWith(ruleId));
  assert.equal((await cloud.call('GET', `${rules}?service=image`, { token: aliceToken })).body.access_rules.length, 0);
  assert.equal((await cloud.call('GET', `${rules}?method=GET`, { token: aliceToken })).body.access_rules.length, 1);

  const show = await cloud.call('GET', `${rules}/${ruleId}`, { token: aliceToken });
  assert.equal(show.status, 200);
  assert.deepEqual({ ...show.body.access_rule, links: undefined }, { id: ruleId, ...rule, links: undefined });
  assert.equal((await cloud.call('GET', `${rules}/nope`, { token: aliceToken })).status, 404);
  assert.equal((await cloud.call('GET', rules, { token: bobToken })).status, 403);
  assert.equal((await cloud.call('DELETE', `${rules}/${ruleId}`, { token: bobToken })).status, 403);

  assert.equal((await cloud.call('DELETE', `${rules}/${ruleId}`, { token: aliceToken })).status, 403, 'in use');
  const creds = await cloud.call('GET', `${V3}/users/${alice.id}/application_credentials`, { token: aliceToken });
  for (const c of creds.body.application_credentials)
    await cloud.call('DELETE', `${V3}/users/${alice.id}/application_credentials/${c.id}`, { token: aliceToken });
  assert.equal((await cloud.call('GET', rules, { token: aliceToken })).body.access_rules.length, 1, 'rules outlive');
  assert.equal((await cloud.call('DELETE', `${rules}/${ruleId}`, { token: aliceToken })).status, 204);
  assert.equal((await cloud.call('GET', rules, { token: aliceToken })).body.access_rules.length, 0);
  assert.equal((await cloud.call('DELETE', `${rules}/${ruleId}`, { token: aliceToken })).status, 404);
});
