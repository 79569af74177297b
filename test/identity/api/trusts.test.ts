import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';
import { delegationFixtures } from '../delegation-fixtures.ts';

const V3 = '/identity/v3';
const TRUSTS = `${V3}/OS-TRUST/trusts`;

async function setup(t: Parameters<typeof startCloud>[0]) {
  const cloud = await startCloud(t);
  const fx = delegationFixtures(cloud);
  const project = await fx.project();
  const trustor = await fx.user();
  const trustee = await fx.user();
  const stranger = await fx.user();
  const delegated = await fx.role();
  const kept = await fx.role();
  await fx.grant(project.id, trustor.id, delegated.id);
  await fx.grant(project.id, trustor.id, kept.id);
  await fx.grant(project.id, stranger.id, await fx.roleId('member'));
  const trustorToken = await fx.login(trustor, project.id);
  const strangerToken = await fx.login(stranger, project.id);
  const trusteeToken = (await cloud.login(trustee.name, trustee.password)).token;
  const create = (body: Record<string, unknown>, token = trustorToken) =>
    cloud.call('POST', TRUSTS, {
      token,
      body: {
        trust: {
          trustor_user_id: trustor.id,
          trustee_user_id: trustee.id,
          project_id: project.id,
          impersonation: true,
          roles: [{ name: delegated.name }],
          ...body,
        },
      },
    });
  /** The trustee's token scoped to a trust. */
  const trustAuth = (trustId: string, who = trustee) =>
    fx.auth({
      identity: {
        methods: ['password'],
        password: { user: { name: who.name, domain: { id: 'default' }, password: who.password } },
      },
      scope: { 'OS-TRUST:trust': { id: trustId } },
    });
  return {
    cloud,
    fx,
    project,
    trustor,
    trustee,
    stranger,
    delegated,
    kept,
    trustorToken,
    strangerToken,
    trusteeToken,
    create,
    trustAuth,
  };
}

test('trusts: create, show, roles, list, authenticate as trustee, delete', async (t) => {
  const s = await setup(t);
  const { cloud, fx, project, trustor, trustee, delegated, kept, trustorToken, trusteeToken } = s;
  // Tempest sends a naive UTC time plus Z and compares after dropping the microseconds.
  const made = await s.create({ expires_at: '2099-01-02T03:04:05Z' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const trust = made.body.trust;
  assert.equal(trust.trustor_user_id, trustor.id);
  assert.equal(trust.trustee_user_id, trustee.id);
  assert.equal(trust.project_id, project.id);
  assert.equal(trust.impersonation, true);
  assert.equal(trust.expires_at, '2099-01-02T03:04:05.000000Z');
  assert.equal(trust.remaining_uses, null);
  assert.equal(trust.redelegation_count, 0);
  assert.equal(trust.allow_redelegation, undefined);
  assert.ok(trust.links.self.endsWith(`/v3/OS-TRUST/trusts/${trust.id}`));
  assert.equal(trust.roles.length, 1);
  assert.equal(trust.roles[0].id, delegated.id);
  assert.equal(trust.roles[0].name, delegated.name);
  assert.ok(trust.roles[0].links.self.endsWith(`/v3/roles/${delegated.id}`));
  assert.deepEqual(trust.roles_links, {
    self: `${cloud.authUrl}/OS-TRUST/trusts/${trust.id}/roles`,
    previous: null,
    next: null,
  });

  for (const token of [trustorToken, trusteeToken, fx.admin]) {
    const shown = await cloud.call('GET', `${TRUSTS}/${trust.id}`, { token });
    assert.equal(shown.status, 200);
    assert.equal(shown.body.trust.roles[0].name, delegated.name);
    assert.equal(shown.body.trust.expires_at, trust.expires_at);
  }
  assert.equal((await cloud.call('GET', `${TRUSTS}/${trust.id}`, { token: s.strangerToken })).status, 403);
  assert.equal((await cloud.call('GET', `${TRUSTS}/nope`, { token: s.strangerToken })).status, 404);

  const roles = await cloud.call('GET', `${TRUSTS}/${trust.id}/roles`, { token: trustorToken });
  assert.equal(roles.status, 200);
  assert.deepEqual(
    roles.body.roles.map((r: { id: string }) => r.id),
    [delegated.id],
  );
  const role = await cloud.call('GET', `${TRUSTS}/${trust.id}/roles/${delegated.id}`, { token: trustorToken });
  assert.equal(role.status, 200);
  assert.equal(role.body.role.name, delegated.name);
  assert.equal(
    (await cloud.call('HEAD', `${TRUSTS}/${trust.id}/roles/${delegated.id}`, { token: trustorToken })).status,
    200,
  );
  assert.equal(
    (await cloud.call('GET', `${TRUSTS}/${trust.id}/roles/${kept.id}`, { token: trustorToken })).status,
    404,
  );
  assert.equal(
    (await cloud.call('HEAD', `${TRUSTS}/${trust.id}/roles/${kept.id}`, { token: trustorToken })).status,
    404,
  );

  // Tempest lists with a trailing slash.
  const mine = await cloud.call('GET', `${TRUSTS}/?trustor_user_id=${trustor.id}`, { token: trustorToken });
  assert.equal(mine.status, 200);
  assert.equal(mine.body.trusts.length, 1);
  assert.equal(mine.body.trusts[0].roles, undefined, 'listings leave out roles');
  assert.equal(mine.body.trusts[0].expires_at, trust.expires_at);
  const theirs = await cloud.call('GET', `${TRUSTS}?trustee_user_id=${trustee.id}`, { token: trusteeToken });
  assert.equal(theirs.body.trusts.length, 1);
  const all = await cloud.call('GET', TRUSTS, { token: fx.admin });
  assert.equal(all.status, 200);
  assert.ok(all.body.trusts.some((x: { id: string }) => x.id === trust.id));
  assert.equal((await cloud.call('GET', TRUSTS, { token: trustorToken })).status, 403, 'only admin lists all');
  assert.equal(
    (await cloud.call('GET', `${TRUSTS}?trustor_user_id=${trustor.id}`, { token: s.strangerToken })).status,
    403,
  );

  // The trustee authenticates with the trust; with impersonation the token is the trustor's.
  const scoped = await s.trustAuth(trust.id);
  assert.equal(scoped.status, 201, JSON.stringify(scoped.body));
  const tok = scoped.body.token;
  assert.equal(tok.user.id, trustor.id);
  assert.equal(tok.project.id, project.id);
  assert.deepEqual(
    tok.roles.map((r: { id: string }) => r.id),
    [delegated.id],
  );
  assert.equal(tok['OS-TRUST:trust'].id, trust.id);
  assert.equal(tok['OS-TRUST:trust'].impersonation, true);
  assert.equal(tok['OS-TRUST:trust'].trustee_user.id, trustee.id);
  assert.equal(tok['OS-TRUST:trust'].trustor_user.id, trustor.id);
  assert.equal((await fx.validate(scoped.token!)).status, 200);
  // Someone else cannot use it.
  assert.notEqual((await s.trustAuth(trust.id, s.stranger)).status, 201);

  assert.equal((await cloud.call('DELETE', `${TRUSTS}/${trust.id}`, { token: trusteeToken })).status, 403);
  assert.equal((await cloud.call('DELETE', `${TRUSTS}/${trust.id}`, { token: trustorToken })).status, 204);
  assert.equal((await cloud.call('GET', `${TRUSTS}/${trust.id}`, { token: trustorToken })).status, 404);
  assert.equal((await fx.validate(scoped.token!)).status, 404, 'trust tokens are revoked');
  assert.equal(
    (await cloud.call('GET', `${TRUSTS}?trustor_user_id=${trustor.id}`, { token: trustorToken })).body.trusts.length,
    0,
  );
  assert.equal((await cloud.call('DELETE', `${TRUSTS}/${trust.id}`, { token: trustorToken })).status, 404);
});

test('trusts: without impersonation the token is the trustee; remaining uses run out', async (t) => {
  const s = await setup(t);
  const made = await s.create({ impersonation: false, remaining_uses: 1, roles: [{ id: s.delegated.id }] });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.trust.remaining_uses, 1);
  assert.equal(made.body.trust.expires_at, null);
  const scoped = await s.trustAuth(made.body.trust.id);
  assert.equal(scoped.status, 201, JSON.stringify(scoped.body));
  assert.equal(scoped.body.token.user.id, s.trustee.id);
  assert.equal(scoped.body.token['OS-TRUST:trust'].impersonation, false);
  assert.notEqual((await s.trustAuth(made.body.trust.id)).status, 201, 'one use only');
  // A used-up trust reads as missing, as in Keystone.
  assert.equal((await s.cloud.call('GET', `${TRUSTS}/${made.body.trust.id}`, { token: s.trustorToken })).status, 404);
});

test('trusts: the errors Keystone gives on create', async (t) => {
  const s = await setup(t);
  const { stranger } = s;
  const cases: [string, Record<string, unknown>, number, string?][] = [
    ['trustor is not the caller', { trustor_user_id: stranger.id }, 403],
    ['unknown trustee', { trustee_user_id: 'nobody' }, 404],
    ['role the trustor lacks', { roles: [{ name: 'admin' }] }, 404],
    ['unknown role name', { roles: [{ name: 'no-such-role' }] }, 404],
    ['project but no roles', { roles: [] }, 403],
    ['unknown project', { project_id: 'nope' }, 404],
    ['unreadable expiry', { expires_at: 'bad.123Z' }, 400],
    ['past expiry', { expires_at: '2001-01-01T00:00:00Z' }, 400],
    ['zero uses', { remaining_uses: 0 }, 400],
    ['uses not a number', { remaining_uses: 'many' }, 400],
    ['impersonation missing', { impersonation: undefined }, 400],
    ['impersonation not boolean', { impersonation: 'yes' }, 400],
    ['role with id and name', { roles: [{ id: 'x', name: 'y' }] }, 400],
    ['too deep', { allow_redelegation: true, redelegation_count: 9 }, 403],
    ['uses with redelegation', { allow_redelegation: true, remaining_uses: 2 }, 400],
  ];
  for (const [why, body, status] of cases) {
    const res = await s.create(body);
    assert.equal(res.status, status, `${why}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error.code, status);
  }
  assert.equal((await s.cloud.call('POST', TRUSTS, { token: s.trustorToken, body: {} })).status, 400);
  assert.equal((await s.create({})).status, 201, 'the fixture itself is valid');
});

test('trusts: application credential tokens may not touch trusts, nor trust tokens application credentials', async (t) => {
  const s = await setup(t);
  const { cloud, fx, trustor } = s;
  const cred = await cloud.call('POST', `${V3}/users/${trustor.id}/application_credentials`, {
    token: s.trustorToken,
    body: { application_credential: { name: 'c', unrestricted: true } },
  });
  assert.equal(cred.status, 201);
  const credToken = (
    await fx.auth({
      identity: {
        methods: ['application_credential'],
        application_credential: {
          id: cred.body.application_credential.id,
          secret: cred.body.application_credential.secret,
        },
      },
    })
  ).token!;
  assert.equal((await s.create({}, credToken)).status, 403, 'even unrestricted');
  const trust = (await s.create({})).body.trust;
  assert.equal((await cloud.call('GET', `${TRUSTS}/${trust.id}`, { token: credToken })).status, 403);
  assert.equal((await cloud.call('GET', `${TRUSTS}?trustor_user_id=${trustor.id}`, { token: credToken })).status, 403);

  const trustToken = (await s.trustAuth(trust.id)).token!;
  const appCreds = `${V3}/users/${trustor.id}/application_credentials`;
  assert.equal((await cloud.call('GET', appCreds, { token: trustToken })).status, 403);
  assert.equal(
    (await cloud.call('POST', appCreds, { token: trustToken, body: { application_credential: { name: 'x' } } })).status,
    403,
  );
});

test('trusts: redelegation within the chain, and deleting the parent removes the child', async (t) => {
  const s = await setup(t);
  const { cloud, trustor, stranger } = s;
  const parent = await s.create({ allow_redelegation: true, expires_at: '2098-01-01T00:00:00Z' });
  assert.equal(parent.status, 201, JSON.stringify(parent.body));
  assert.equal(parent.body.trust.redelegation_count, 3);
  const trustToken = (await s.trustAuth(parent.body.trust.id)).token!;
  const redelegate = (body: Record<string, unknown>) => s.create({ trustee_user_id: stranger.id, ...body }, trustToken);

  const refusals: [Record<string, unknown>, RegExp][] = [
    [{ roles: [{ id: s.kept.id }] }, /not in redelegated trust/],
    [{ remaining_uses: 1 }, /remaining_uses/],
    [{ allow_redelegation: true, redelegation_count: 3 }, /Modifying "redelegation_count"/],
    [{ expires_at: '2099-01-01T00:00:00Z', allow_redelegation: true }, /more than redelegated trust/],
  ];
  for (const [body, why] of refusals) {
    const res = await redelegate(body);
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.match(res.body.error.message, why);
  }
  const child = await redelegate({ allow_redelegation: true });
  assert.equal(child.status, 201, JSON.stringify(child.body));
  assert.equal(child.body.trust.redelegated_trust_id, parent.body.trust.id);
  assert.equal(child.body.trust.redelegation_count, 2);
  assert.equal(child.body.trust.trustor_user_id, trustor.id);
  assert.equal(child.body.trust.expires_at, parent.body.trust.expires_at, 'inherits the parent expiry');

  const plain = await s.create({ trustee_user_id: stranger.id });
  const noRedelegation = (await s.trustAuth(plain.body.trust.id, s.stranger)).token!;
  const again = await s.create({ trustee_user_id: s.trustee.id }, noRedelegation);
  assert.equal(again.status, 403, 'a trust that does not allow redelegation cannot be redelegated');
  assert.match(again.body.error.message, /redelegation depth of 0/);

  assert.equal(
    (await cloud.call('DELETE', `${TRUSTS}/${parent.body.trust.id}`, { token: s.trustorToken })).status,
    204,
  );
  assert.equal((await cloud.call('GET', `${TRUSTS}/${child.body.trust.id}`, { token: s.trustorToken })).status, 404);
});
