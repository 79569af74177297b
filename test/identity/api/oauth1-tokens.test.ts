import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { oauthEscape, signatureBaseString } from '../../../src/identity/oauth1-signature.ts';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

/** Signs as an OAuth1 client would (the algorithm itself is checked against Python in oauth1-signature.test.ts). */
function authorization(
  url: string,
  consumer: { id: string; secret: string },
  extra: Record<string, string>,
  tokenSecret = '',
): string {
  const oauth = new Map([
    ['oauth_nonce', String(Math.floor(Math.random() * 1e12))],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_version', '1.0'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_consumer_key', consumer.id],
    ...Object.entries(extra),
  ]);
  const key = `${oauthEscape(consumer.secret)}&${oauthEscape(tokenSecret)}`;
  const sig = createHmac('sha1', key)
    .update(signatureBaseString({ method: 'POST', url, oauth, query: [] }))
    .digest('base64');
  oauth.set('oauth_signature', sig);
  return `OAuth ${[...oauth].map(([k, v]) => `${oauthEscape(k)}="${oauthEscape(v)}"`).join(', ')}`;
}

const form = (text: string) => Object.fromEntries(text.split('&').map((kv) => kv.split('=')));

async function setup(cloud: TestCloud) {
  const token = cloud.adminToken;
  const login = await cloud.login('admin', cloud.adminPassword, {
    project: { name: 'admin', domain: { name: 'Default' } },
  });
  const consumer = (await cloud.call('POST', '/identity/v3/OS-OAUTH1/consumers', { token, body: { consumer: {} } }))
    .body.consumer;
  const requestUrl = `${cloud.authUrl}/OS-OAUTH1/request_token`;
  const accessUrl = `${cloud.authUrl}/OS-OAUTH1/access_token`;
  return {
    token,
    consumer,
    requestUrl,
    accessUrl,
    userId: login.body.user.id as string,
    projectId: login.body.project.id as string,
  };
}

test('oauth1: request token, authorize, access token, then read, list and revoke it', async (t) => {
  const cloud = await startCloud(t);
  const { token, consumer, requestUrl, accessUrl, userId, projectId } = await setup(cloud);

  const rt = await cloud.call('POST', '/identity/v3/OS-OAUTH1/request_token', {
    headers: {
      authorization: authorization(requestUrl, consumer, { oauth_callback: 'oob' }),
      'requested-project-id': projectId,
    },
  });
  assert.equal(rt.status, 201, JSON.stringify(rt.body));
  assert.match(rt.headers.get('content-type') ?? '', /^application\/x-www-form-urlencoded/);
  const request = form(rt.body);
  assert.match(request.oauth_token, /^[0-9a-f]{32}$/);
  assert.match(request.oauth_expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  const sendAccess = (verifier: string) =>
    cloud.call('POST', '/identity/v3/OS-OAUTH1/access_token', {
      headers: {
        authorization: authorization(
          accessUrl,
          consumer,
          { oauth_token: request.oauth_token, oauth_verifier: verifier },
          request.oauth_token_secret,
        ),
      },
    });
  assert.equal((await sendAccess('AbCdEfGh')).status, 401, 'not authorized yet');

  const authz = `/identity/v3/OS-OAUTH1/authorize/${request.oauth_token}`;
  assert.equal((await cloud.call('PUT', authz, { token, body: { roles: [{ name: 'nonesuch' }] } })).status, 404);
  assert.equal((await cloud.call('PUT', authz, { token, body: { roles: [{ id: 'f'.repeat(32) }] } })).status, 401);
  const authorized = await cloud.call('PUT', authz, {
    token,
    body: { roles: [{ name: 'admin' }, { name: 'reader' }] },
  });
  assert.equal(authorized.status, 200);
  const verifier = authorized.body.token.oauth_verifier;
  assert.match(verifier, /^[A-Za-z2-9]{8}$/);
  assert.equal((await sendAccess('AbCdEfGh')).status, 401, 'wrong verifier');

  const at = await sendAccess(verifier);
  assert.equal(at.status, 201, JSON.stringify(at.body));
  const access = form(at.body);
  assert.equal((await sendAccess(verifier)).status, 404, 'the request token is used up');

  const base = `/identity/v3/users/${userId}/OS-OAUTH1/access_tokens`;
  const shown = await cloud.call('GET', `${base}/${access.oauth_token}`, { token });
  assert.equal(shown.status, 200);
  assert.deepEqual(shown.body.access_token, {
    id: access.oauth_token,
    consumer_id: consumer.id,
    project_id: projectId,
    authorizing_user_id: userId,
    expires_at: access.oauth_expires_at,
    links: {
      self: `${cloud.authUrl}/users/${userId}/OS-OAUTH1/access_tokens/${access.oauth_token}`,
      roles: `${cloud.authUrl}/users/${userId}/OS-OAUTH1/access_tokens/${access.oauth_token}/roles`,
    },
  });
  const list = await cloud.call('GET', base, { token });
  assert.deepEqual(
    list.body.access_tokens.map((x: { id: string }) => x.id),
    [access.oauth_token],
  );
  const roles = await cloud.call('GET', `${base}/${access.oauth_token}/roles`, { token });
  assert.deepEqual(roles.body.roles.map((r: { name: string }) => r.name).sort(), ['admin', 'reader']);
  const role = await cloud.call('GET', `${base}/${access.oauth_token}/roles/${roles.body.roles[0].id}`, { token });
  assert.equal(role.status, 200);
  assert.equal(role.body.role.id, roles.body.roles[0].id);
  assert.equal((await cloud.call('GET', `${base}/${access.oauth_token}/roles/nope`, { token })).status, 404);
  assert.equal(
    (await cloud.call('GET', `/identity/v3/users/other/OS-OAUTH1/access_tokens/${access.oauth_token}`, { token }))
      .status,
    404,
  );

  assert.equal((await cloud.call('DELETE', `${base}/${access.oauth_token}`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${base}/${access.oauth_token}`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${base}/${access.oauth_token}`, { token })).status, 404);
});

test('oauth1: bad signatures are 401, missing parameters 400, unknown consumer or project 404', async (t) => {
  const cloud = await startCloud(t);
  const { consumer, requestUrl, projectId, token } = await setup(cloud);
  const post = (headers: Record<string, string>) =>
    cloud.call('POST', '/identity/v3/OS-OAUTH1/request_token', { headers });
  const good = () => authorization(requestUrl, consumer, { oauth_callback: 'oob' });

  assert.equal((await post({ 'requested-project-id': projectId })).status, 400, 'no Authorization header');
  assert.equal((await post({ authorization: good() })).status, 400, 'no Requested-Project-Id');
  assert.equal((await post({ authorization: good(), 'requested-project-id': 'nope' })).status, 404);
  const stranger = { id: 'e'.repeat(32), secret: 'x' };
  assert.equal(
    (
      await post({
        authorization: authorization(requestUrl, stranger, { oauth_callback: 'oob' }),
        'requested-project-id': projectId,
      })
    ).status,
    404,
  );
  const forged = authorization(requestUrl, { ...consumer, secret: 'wrong' }, { oauth_callback: 'oob' });
  assert.equal((await post({ authorization: forged, 'requested-project-id': projectId })).status, 401);
  const noCallback = authorization(requestUrl, consumer, {});
  assert.equal((await post({ authorization: noCallback, 'requested-project-id': projectId })).status, 400);
  const stale = authorization(requestUrl, consumer, { oauth_callback: 'oob', oauth_timestamp: '1000' });
  assert.equal((await post({ authorization: stale, 'requested-project-id': projectId })).status, 400);
  // Anyone may ask for a request token: no X-Auth-Token is needed.
  assert.equal((await post({ authorization: good(), 'requested-project-id': projectId })).status, 201);

  // Deleting the consumer removes its tokens.
  const rt = form((await post({ authorization: good(), 'requested-project-id': projectId })).body);
  assert.equal((await cloud.call('DELETE', `/identity/v3/OS-OAUTH1/consumers/${consumer.id}`, { token })).status, 204);
  assert.equal(
    (await cloud.call('PUT', `/identity/v3/OS-OAUTH1/authorize/${rt.oauth_token}`, { token, body: { roles: [] } }))
      .status,
    404,
  );

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal(
    (
      await cloud.call('PUT', `/identity/v3/OS-OAUTH1/authorize/${rt.oauth_token}`, {
        token: unscoped,
        body: { roles: [] },
      })
    ).status,
    403,
  );
  assert.equal(
    (
      await cloud.call('PUT', '/identity/v3/OS-OAUTH1/authorize/x', {
        token,
        body: { roles: [{ id: 'a', name: 'b' }] },
      })
    ).status,
    400,
  );
});
