import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { placementSuite } from '../fixture.ts';

describe('placement: version document, microversions, resource providers', () => {
  const { cloud, pl } = placementSuite();

  it('serves the version document without a token, and is in the catalog', async () => {
    const res = await cloud().call('GET', '/placement/');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.versions.map((v: Record<string, unknown>) => [v.id, v.min_version, v.max_version, v.status]),
      [['v1.0', '1.0', '1.39', 'CURRENT']],
    );
    assert.ok(Array.isArray(res.body.versions[0].links));
    assert.equal(res.headers.get('openstack-api-version'), 'placement 1.0');
    assert.match(res.headers.get('vary') ?? '', /openstack-api-version/i);
    const token = await cloud().call('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { id: 'default' }, password: cloud().adminPassword } },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      },
    });
    const entry = token.body.token.catalog.find((c: { type: string }) => c.type === 'placement');
    assert.ok(entry, 'placement in the catalog');
    assert.match(entry.endpoints[0].url, /\/placement$/);
  });

  it('negotiates the microversion: latest, malformed 400, out of range 406, error body', async () => {
    const latest = await pl('GET', '/resource_providers', { version: 'latest' });
    assert.equal(latest.headers.get('openstack-api-version'), 'placement 1.39');
    const bad = await pl('GET', '/resource_providers', { version: '1.x' });
    assert.equal(bad.status, 400);
    const e = bad.body.errors[0];
    assert.equal(e.status, 400);
    assert.equal(e.title, 'Bad Request');
    assert.equal(e.code, undefined, 'codes only from 1.23, and no version was understood');
    assert.match(e.request_id, /^req-[0-9a-f-]{36}$/);
    assert.equal(e.request_id, bad.headers.get('x-openstack-request-id'));
    const tooNew = await pl('GET', '/resource_providers', { version: '1.40' });
    assert.equal(tooNew.status, 406);
    assert.equal(tooNew.body.errors[0].max_version, '1.39');
    assert.equal(tooNew.body.errors[0].min_version, '1.0');
    const coded = await pl('GET', `/resource_providers/${randomUUID()}`, { version: '1.23' });
    assert.equal(coded.body.errors[0].code, 'placement.resource_provider.not_found');
    const uncoded = await pl('GET', `/resource_providers/${randomUUID()}`, { version: '1.22' });
    assert.equal(uncoded.body.errors[0].code, undefined);
    assert.equal((await pl('GET', '/resource_providers', { version: '2.0' })).status, 406);
    // Routes added later answer 404 at earlier versions.
    assert.equal((await pl('GET', '/traits', { version: '1.5' })).status, 404);
    assert.equal((await pl('GET', '/traits', { version: '1.6' })).status, 200);
    const html = await cloud().call('GET', '/placement/resource_providers', {
      token: cloud().adminToken,
      headers: { accept: 'text/html' },
    });
    assert.equal(html.status, 406);
    const json = await cloud().call('GET', '/placement/resource_providers', {
      token: cloud().adminToken,
      headers: { accept: 'text/html, application/json;q=0.9' },
    });
    assert.equal(json.status, 200);
    const form = await cloud().call('POST', '/placement/resource_providers', {
      token: cloud().adminToken,
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    assert.equal(form.body.errors[0].status, 415);
    const noToken = await cloud().call('GET', '/placement/resource_providers');
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.errors[0].status, 401);
  });

  it('creates, shows, renames and deletes providers with generations and links', async () => {
    const uuid = randomUUID();
    const old = await pl('POST', '/resource_providers', { body: { name: 'rp-old', uuid } });
    assert.equal(old.status, 201);
    assert.equal(old.headers.get('location'), `/placement/resource_providers/${uuid}`);
    const made = await pl('POST', '/resource_providers', { body: { name: 'rp-new' }, version: '1.20' });
    assert.equal(made.status, 200);
    assert.equal(made.body.name, 'rp-new');
    assert.equal(made.body.generation, 0);
    assert.equal(made.body.root_provider_uuid, made.body.uuid);
    assert.equal(made.body.parent_provider_uuid, null);
    assert.deepEqual(
      made.body.links.map((l: { rel: string }) => l.rel),
      ['self', 'inventories', 'usages', 'aggregates', 'traits', 'allocations'],
    );
    const shown10 = await pl('GET', `/resource_providers/${uuid}`);
    assert.deepEqual(Object.keys(shown10.body).sort(), ['generation', 'links', 'name', 'uuid']);

    assert.equal((await pl('POST', '/resource_providers', { body: { name: 'rp-old' } })).status, 409);
    const dupUuid = await pl('POST', '/resource_providers', { body: { name: 'other', uuid }, version: '1.23' });
    assert.equal(dupUuid.status, 409);
    assert.equal(dupUuid.body.errors[0].code, 'placement.duplicate_name');

    const renamed = await pl('PUT', `/resource_providers/${uuid}`, { body: { name: 'rp-renamed' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'rp-renamed');
    assert.equal((await pl('PUT', `/resource_providers/${uuid}`, { body: { name: 'rp-new' } })).status, 409);

    const child = await pl('POST', '/resource_providers', {
      body: { name: 'rp-child', parent_provider_uuid: uuid },
      version: '1.20',
    });
    assert.equal(child.status, 200);
    assert.equal(child.body.root_provider_uuid, uuid);
    const tree = await pl('GET', `/resource_providers?in_tree=${uuid}`, { version: '1.14' });
    assert.deepEqual(tree.body.resource_providers.map((p: { name: string }) => p.name).sort(), [
      'rp-child',
      'rp-renamed',
    ]);
    assert.equal((await pl('DELETE', `/resource_providers/${uuid}`)).status, 409, 'a parent with children');
    assert.equal((await pl('DELETE', `/resource_providers/${child.body.uuid}`)).status, 204);
    assert.equal((await pl('DELETE', `/resource_providers/${uuid}`)).status, 204);
    const gone = await pl('GET', `/resource_providers/${uuid}`, { version: '1.23' });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.errors[0].code, 'placement.resource_provider.not_found');

    const byName = await pl('GET', '/resource_providers?name=rp-new');
    assert.deepEqual(
      byName.body.resource_providers.map((p: { uuid: string }) => p.uuid),
      [made.body.uuid],
    );
    const byUuid = await pl('GET', `/resource_providers?uuid=${made.body.uuid}`);
    assert.equal(byUuid.body.resource_providers.length, 1);
  });

  it('sets a parent once before 1.37, re-parents and un-parents from 1.37, never into a loop', async () => {
    const mk = async (name: string) =>
      (await pl('POST', '/resource_providers', { body: { name }, version: '1.20' })).body.uuid as string;
    const [a, b, c] = [await mk('tree-a'), await mk('tree-b'), await mk('tree-c')];
    const put = (uuid: string, name: string, parent: string | null, version: string) =>
      pl('PUT', `/resource_providers/${uuid}`, { body: { name, parent_provider_uuid: parent }, version });
    const adopted = await put(b, 'tree-b', a, '1.14');
    assert.equal(adopted.status, 200, JSON.stringify(adopted.body));
    assert.equal(adopted.body.root_provider_uuid, a);
    assert.equal((await put(c, 'tree-c', b, '1.14')).body.root_provider_uuid, a, 'grandchild rooted at a');
    assert.equal((await put(b, 'tree-b', c, '1.36')).status, 400, 'no re-parenting before 1.37');
    assert.equal((await put(a, 'tree-a', c, '1.37')).status, 400, 'a loop');
    const moved = await put(c, 'tree-c', null, '1.37');
    assert.equal(moved.status, 200);
    assert.equal(moved.body.root_provider_uuid, c);
    const regrown = await put(b, 'tree-b', c, '1.37');
    assert.equal(regrown.body.root_provider_uuid, c);
    assert.equal((await pl('GET', `/resource_providers/${b}`, { version: '1.14' })).body.root_provider_uuid, c);
  });

  it('is for admins and services only', async () => {
    const admin = await cloud().call('GET', '/identity/v3/projects?name=admin', { token: cloud().adminToken });
    const projectId = admin.body.projects[0].id;
    const user = await cloud().call('POST', '/identity/v3/users', {
      token: cloud().adminToken,
      body: { user: { name: 'pl-member', password: 'pw-member-1', default_project_id: projectId } },
    });
    const roles = await cloud().call('GET', '/identity/v3/roles?name=member', { token: cloud().adminToken });
    await cloud().call(
      'PUT',
      `/identity/v3/projects/${projectId}/users/${user.body.user.id}/roles/${roles.body.roles[0].id}`,
      {
        token: cloud().adminToken,
      },
    );
    const member = await cloud().login('pl-member', 'pw-member-1', { project: { id: projectId } });
    const res = await pl('GET', '/resource_providers', { token: member.token });
    assert.equal(res.status, 403);
    assert.equal(res.body.errors[0].status, 403);
  });
});
