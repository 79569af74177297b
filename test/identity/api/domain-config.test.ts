import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../../helpers/cloud.ts';

const CONFIG = '/identity/v3/domains/default/config';
const custom = {
  identity: { driver: 'ldap' },
  ldap: { url: 'ldap://myldap.com:389/', user_tree_dn: 'ou=Users,dc=my_new_root,dc=org' },
};

test('domain config: create (201, then 200), show by group and option, update, delete', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  assert.equal((await cloud.call('GET', CONFIG, { token })).status, 404);

  const created = await cloud.call('PUT', CONFIG, { token, body: { config: custom } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.config, custom);
  assert.deepEqual((await cloud.call('GET', CONFIG, { token })).body.config, custom);
  assert.equal((await cloud.call('HEAD', CONFIG, { token })).status, 200);
  assert.deepEqual((await cloud.call('GET', `${CONFIG}/ldap`, { token })).body.config, { ldap: custom.ldap });
  assert.deepEqual((await cloud.call('GET', `${CONFIG}/ldap/url`, { token })).body.config, { url: custom.ldap.url });
  assert.equal((await cloud.call('GET', `${CONFIG}/ldap/user`, { token })).status, 404);

  // PATCH on the whole config merges.
  const merged = await cloud.call('PATCH', CONFIG, { token, body: { config: { ldap: { url: 'ldap://other/' } } } });
  assert.equal(merged.status, 200);
  assert.deepEqual(merged.body.config, { ...custom, ldap: { ...custom.ldap, url: 'ldap://other/' } });

  // PATCH on a group: only that group, which must already be set; values keep their JSON type.
  const grp = await cloud.call('PATCH', `${CONFIG}/identity`, {
    token,
    body: { config: { identity: { driver: 'sql', list_limit: 42 } } },
  });
  assert.equal(grp.status, 200);
  assert.deepEqual(grp.body.config.identity, { driver: 'sql', list_limit: 42 });
  const opt = await cloud.call('PATCH', `${CONFIG}/identity/driver`, { token, body: { config: { driver: 'x' } } });
  assert.equal(opt.status, 200);
  assert.equal(opt.body.config.identity.driver, 'x');

  // PUT again replaces everything and answers 200.
  const again = await cloud.call('PUT', CONFIG, { token, body: { config: custom } });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.config, custom);

  assert.equal((await cloud.call('DELETE', `${CONFIG}/identity/driver`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${CONFIG}/identity/driver`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${CONFIG}/identity/driver`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${CONFIG}/identity`, { token })).status, 404);
  assert.equal((await cloud.call('DELETE', `${CONFIG}/ldap`, { token })).status, 204);
  assert.equal((await cloud.call('GET', `${CONFIG}/ldap`, { token })).status, 404);
  assert.equal((await cloud.call('PUT', CONFIG, { token, body: { config: custom } })).status, 201);
  assert.equal((await cloud.call('DELETE', CONFIG, { token })).status, 204);
  assert.equal((await cloud.call('GET', CONFIG, { token })).status, 404);
});

test('domain config: the ldap password is stored but never shown', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const body = { config: { ldap: { url: 'ldap://x/', password: 's3cret' } } };
  const created = await cloud.call('PUT', CONFIG, { token, body });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.config, { ldap: { url: 'ldap://x/' } });
  assert.equal((await cloud.call('GET', `${CONFIG}/ldap/password`, { token })).status, 404);
  const upd = await cloud.call('PATCH', `${CONFIG}/ldap/password`, { token, body: { config: { password: 'new' } } });
  assert.equal(upd.status, 200, 'an existing sensitive option may be updated');
  assert.deepEqual(upd.body.config, { ldap: { url: 'ldap://x/' } });
  assert.equal((await cloud.call('DELETE', `${CONFIG}/ldap/password`, { token })).status, 204);
});

test('domain config: unsupported groups and options are 403, bad partial updates 403/404', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const forbidden = [
    { config: {} },
    {},
    { config: { nova: { x: 1 } } },
    { config: { identity: { colour: 'red' } } },
    { config: { identity: {} } },
    { config: { identity: 'sql' } },
  ];
  for (const body of forbidden) {
    const res = await cloud.call('PUT', CONFIG, { token, body });
    assert.equal(res.status, 403, JSON.stringify(body));
    assert.match(res.body.error.message, /^Invalid domain specific configuration: /);
  }
  assert.equal((await cloud.call('GET', `${CONFIG}/nova`, { token })).status, 403);
  assert.equal((await cloud.call('GET', `${CONFIG}/ldap/colour`, { token })).status, 403);
  assert.equal((await cloud.call('DELETE', `${CONFIG}/nova`, { token })).status, 403);

  assert.equal((await cloud.call('PUT', CONFIG, { token, body: { config: custom } })).status, 201);
  const patch = (path: string, config: unknown) => cloud.call('PATCH', `${CONFIG}${path}`, { token, body: { config } });
  assert.equal((await patch('/identity', { ldap: { url: 'u' } })).status, 403, 'other group than the URL');
  assert.equal((await patch('/identity', { identity: { driver: 'a' }, ldap: { url: 'u' } })).status, 403);
  assert.equal((await patch('/identity/driver', { list_limit: 3 })).status, 403, 'other option than the URL');
  assert.equal((await patch('/identity/driver', { driver: 'a', list_limit: 3 })).status, 403);
  assert.equal((await patch('/identity/list_limit', { list_limit: 3 })).status, 404, 'option not set yet');
  assert.equal((await cloud.call('DELETE', CONFIG, { token })).status, 204);
  assert.equal((await patch('/identity', { identity: { driver: 'a' } })).status, 404, 'group not set yet');

  assert.equal(
    (await cloud.call('PUT', '/identity/v3/domains/nope/config', { token, body: { config: custom } })).status,
    404,
  );
  assert.equal((await cloud.call('PUT', CONFIG, { token, body: { config: 'x' } })).status, 400);

  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  assert.equal((await cloud.call('PUT', CONFIG, { token: unscoped, body: { config: custom } })).status, 403);
  assert.equal((await cloud.call('GET', CONFIG, { token: unscoped })).status, 403);
  assert.equal((await cloud.call('GET', '/identity/v3/domains/config/default', { token: unscoped })).status, 403);
});

test('domain config: defaults, and the readable security compliance options', async (t) => {
  const cloud = await startCloud(t);
  const token = cloud.adminToken;
  const all = await cloud.call('GET', '/identity/v3/domains/config/default', { token });
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.config.identity, { driver: 'sql', list_limit: null });
  assert.equal(all.body.config.ldap.url, 'ldap://localhost');
  assert.equal(all.body.config.ldap.password, undefined, 'sensitive options have no readable default');
  const ldap = await cloud.call('GET', '/identity/v3/domains/config/ldap/default', { token });
  assert.deepEqual(Object.keys(ldap.body.config), ['ldap']);
  for (const option of Object.keys(ldap.body.config.ldap)) {
    const one = await cloud.call('GET', `/identity/v3/domains/config/ldap/${option}/default`, { token });
    assert.equal(one.status, 200, option);
    assert.deepEqual(one.body.config, { [option]: ldap.body.config.ldap[option] });
  }
  assert.equal((await cloud.call('GET', '/identity/v3/domains/config/ldap/password/default', { token })).status, 403);
  assert.equal((await cloud.call('GET', '/identity/v3/domains/config/nova/default', { token })).status, 403);
  assert.equal((await cloud.call('HEAD', '/identity/v3/domains/config/default', { token })).status, 200);

  // Any token may read these two from the default domain (Keystone's rule is empty).
  const unscoped = (await cloud.login('admin', cloud.adminPassword)).token;
  const sc = await cloud.call('GET', `${CONFIG}/security_compliance`, { token: unscoped });
  assert.equal(sc.status, 200);
  assert.deepEqual(sc.body.config, {
    security_compliance: { password_regex: null, password_regex_description: null },
  });
  const one = await cloud.call('GET', `${CONFIG}/security_compliance/password_regex`, { token: unscoped });
  assert.deepEqual(one.body.config, { password_regex: null });
  assert.equal((await cloud.call('GET', `${CONFIG}/security_compliance/lockout_duration`, { token })).status, 403);
});
