import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startCloud, type TestCloud } from '../../helpers/cloud.ts';

const run = promisify(execFile);
const SDK = '/usr/lib/python3/dist-packages/openstack/placement/v1/_proxy.py';
// osc-placement (the `openstack resource provider` commands) is not installed here; openstacksdk's placement
// proxy is the real client available, and it goes through keystoneauth's discovery of our version document.
const skip = existsSync(SDK) && existsSync('/usr/bin/python3') ? false : 'openstacksdk is not installed';

/** Runs a Python snippet with `conn` connected to the admin cloud; prints of JSON come back parsed. */
async function sdk(file: string, body: string): Promise<any> {
  const script = `import json, openstack\nconn = openstack.connect(cloud='admin')\n${body}\n`;
  const { stdout } = await run('/usr/bin/python3', ['-c', script], {
    env: { ...process.env, OS_CLIENT_CONFIG_FILE: file },
    timeout: 60000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
}

describe('placement through openstacksdk', { skip }, () => {
  let cloud: TestCloud;
  let file: string;
  before(async () => {
    cloud = await startCloud();
    file = join(cloud.dataDir, 'sdk-clouds.yaml');
    const auth = {
      auth_url: cloud.authUrl,
      username: 'admin',
      password: cloud.adminPassword,
      project_name: 'admin',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    };
    await writeFile(file, stringify({ clouds: { admin: { auth, region_name: 'RegionOne' } } }), { mode: 0o600 });
  });
  after(() => cloud.close());

  it('creates, finds, updates and deletes a resource provider and a custom resource class', async () => {
    const out = await sdk(
      file,
      `
rp = conn.placement.create_resource_provider(name='sdk-host')
found = [p.name for p in conn.placement.resource_providers(name='sdk-host')]
conn.placement.update_resource_provider(rp, name='sdk-host-2')
shown = conn.placement.get_resource_provider(rp.id)
conn.placement.create_resource_class(name='CUSTOM_SDK_THING')
classes = [c.name for c in conn.placement.resource_classes()]
conn.placement.delete_resource_class('CUSTOM_SDK_THING')
conn.placement.delete_resource_provider(rp)
left = [p.id for p in conn.placement.resource_providers()]
print(json.dumps({'id': rp.id, 'generation': rp.generation, 'found': found, 'renamed': shown.name,
                  'root': shown.root_provider_id, 'classes': classes, 'left': left}))`,
    );
    assert.match(out.id, /^[0-9a-f-]{36}$/);
    assert.equal(out.generation, 0);
    assert.deepEqual(out.found, ['sdk-host']);
    assert.equal(out.renamed, 'sdk-host-2');
    assert.equal(out.root, out.id);
    assert.ok(out.classes.includes('VCPU') && out.classes.includes('CUSTOM_SDK_THING'));
    assert.ok(!out.left.includes(out.id));
  });
});
