import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCloud } from '../helpers/cloud.ts';
import { cliFor, hasOpenstackCli } from './openstack-cli.ts';

const skip = hasOpenstackCli ? false : 'python3-openstackclient is not installed';

test('openstack CLI: tokens, catalog and the identity resources', { skip, timeout: 300000 }, async (t) => {
  const cloud = await startCloud(t);
  const cli = await cliFor(cloud.dataDir, cloud.authUrl, cloud.adminPassword);
  const { os } = cli;

  const token = await os(['token', 'issue']);
  assert.match(token.id, /^gAAAAA/);
  const catalog = await os(['catalog', 'list']);
  assert.ok(catalog.some((s: { Type: string }) => s.Type === 'identity'));

  const domain = await os(['domain', 'create', '--description', 'cli domain', 'clidom']);
  assert.equal(domain.name, 'clidom');
  await os(['domain', 'set', '--description', 'changed', 'clidom'], { json: false });
  assert.equal((await os(['domain', 'show', 'clidom'])).description, 'changed');
  assert.ok((await os(['domain', 'list'])).some((d: { Name: string }) => d.Name === 'clidom'));

  const project = await os(['project', 'create', '--domain', 'clidom', '--description', 'p', 'cliproj']);
  assert.equal(project.domain_id, domain.id);
  await os(['project', 'set', '--domain', 'clidom', '--description', 'p2', 'cliproj'], { json: false });
  assert.equal((await os(['project', 'show', '--domain', 'clidom', 'cliproj'])).description, 'p2');
  assert.ok((await os(['project', 'list', '--domain', 'clidom'])).some((p: { Name: string }) => p.Name === 'cliproj'));

  const user = await os([
    'user',
    'create',
    '--domain',
    'clidom',
    '--password',
    'Secret-1',
    '--email',
    'u@example.org',
    'cliuser',
  ]);
  assert.equal(user.domain_id, domain.id);
  await os(['user', 'set', '--domain', 'clidom', '--description', 'a user', 'cliuser'], { json: false });
  assert.equal((await os(['user', 'show', '--domain', 'clidom', 'cliuser'])).description, 'a user');
  assert.ok((await os(['user', 'list', '--domain', 'clidom'])).some((u: { Name: string }) => u.Name === 'cliuser'));

  const group = await os(['group', 'create', '--domain', 'clidom', 'cligroup']);
  await os(['group', 'add', 'user', '--group-domain', 'clidom', '--user-domain', 'clidom', 'cligroup', 'cliuser'], {
    json: false,
  });
  assert.ok((await os(['user', 'list', '--group', group.id])).some((u: { Name: string }) => u.Name === 'cliuser'));
  await os(['group', 'set', '--domain', 'clidom', '--description', 'g', 'cligroup'], { json: false });
  assert.equal((await os(['group', 'show', '--domain', 'clidom', 'cligroup'])).description, 'g');
  assert.ok((await os(['group', 'list', '--domain', 'clidom'])).some((g: { Name: string }) => g.Name === 'cligroup'));

  assert.equal((await os(['role', 'create', 'cliviewer'])).name, 'cliviewer');
  await os(['role', 'set', '--description', 'views', 'cliviewer'], { json: false });
  assert.equal((await os(['role', 'show', 'cliviewer'])).description, 'views');
  assert.ok((await os(['role', 'list'])).some((r: { Name: string }) => r.Name === 'cliviewer'));

  await os(['role', 'add', '--user', user.id, '--project', project.id, 'member'], { json: false });
  await os(['role', 'add', '--group', group.id, '--project', project.id, 'cliviewer'], { json: false });
  const assignments = await os(['role', 'assignment', 'list', '--names', '--effective', '--user', user.id]);
  const roles = assignments.map((a: { Role: string }) => a.Role).sort();
  assert.deepEqual(roles, ['cliviewer', 'member', 'reader'], 'group grant expanded and member implies reader');
  assert.ok(
    assignments.every(
      (a: { User: string; Project: string }) => a.User === 'cliuser@clidom' && a.Project === 'cliproj@clidom',
    ),
  );

  const region = await os(['region', 'create', '--description', 'r', 'CliRegion']);
  assert.equal(region.region, 'CliRegion');
  await os(['region', 'set', '--description', 'r2', 'CliRegion'], { json: false });
  assert.equal((await os(['region', 'show', 'CliRegion'])).description, 'r2');
  assert.ok((await os(['region', 'list'])).some((r: { Region: string }) => r.Region === 'CliRegion'));
  const service = await os(['service', 'create', '--name', 'cliservice', '--description', 's', 'cli-type']);
  await os(['service', 'set', '--description', 's2', service.id], { json: false });
  assert.equal((await os(['service', 'show', service.id])).description, 's2');
  assert.ok((await os(['service', 'list'])).some((x: { Name: string }) => x.Name === 'cliservice'));
  const endpoint = await os([
    'endpoint',
    'create',
    '--region',
    'CliRegion',
    service.id,
    'public',
    'http://127.0.0.1:9/cli',
  ]);
  await os(['endpoint', 'set', '--url', 'http://127.0.0.1:9/cli2', endpoint.id], { json: false });
  assert.equal((await os(['endpoint', 'show', endpoint.id])).url, 'http://127.0.0.1:9/cli2');
  assert.ok((await os(['endpoint', 'list', '--service', service.id])).length === 1);

  // The user, in their project, makes an application credential and authenticates with it.
  await cli.addCloud('user', {
    username: 'cliuser',
    password: 'Secret-1',
    user_domain_name: 'clidom',
    project_name: 'cliproj',
    project_domain_name: 'clidom',
  });
  const userToken = await os(['token', 'issue'], { cloud: 'user' });
  assert.equal(userToken.project_id, project.id);
  const appCred = await os(['application', 'credential', 'create', '--role', 'member', 'cliapp'], { cloud: 'user' });
  assert.ok(appCred.secret);
  await cli.addCloud(
    'app',
    { application_credential_id: appCred.id, application_credential_secret: appCred.secret },
    'v3applicationcredential',
  );
  const appToken = await os(['token', 'issue'], { cloud: 'app' });
  assert.equal(appToken.project_id, project.id);
  assert.equal(appToken.user_id, user.id);

  // Revoking a token makes it useless at once.
  await os(['token', 'revoke', userToken.id], { json: false });
  const check = await cloud.call('GET', '/identity/v3/auth/tokens', {
    token: cloud.adminToken,
    headers: { 'x-subject-token': userToken.id },
  });
  assert.equal(check.status, 404);

  await os(['role', 'remove', '--user', user.id, '--project', project.id, 'member'], { json: false });
  await os(['endpoint', 'delete', endpoint.id], { json: false });
  await os(['service', 'delete', service.id], { json: false });
  await os(['region', 'delete', 'CliRegion'], { json: false });
  await os(['role', 'delete', 'cliviewer'], { json: false });
  await os(['group', 'delete', '--domain', 'clidom', 'cligroup'], { json: false });
  await os(['user', 'delete', '--domain', 'clidom', 'cliuser'], { json: false });
  await os(['project', 'delete', '--domain', 'clidom', 'cliproj'], { json: false });
  await os(['domain', 'set', '--disable', 'clidom'], { json: false });
  await os(['domain', 'delete', 'clidom'], { json: false });
  assert.ok(!(await os(['domain', 'list'])).some((d: { Name: string }) => d.Name === 'clidom'));
});
