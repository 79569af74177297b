import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasOpenstackCli } from './openstack-cli.ts';
import { type ComputeCli, computeCli, serverOf, waitForGone, waitForStatus } from './openstack-compute-cli-fixture.ts';

const skip = hasOpenstackCli ? false : 'python3-openstackclient is not installed';
const quiet = { json: false };

/**
 * The real `openstack` CLI (6.0) driving a server through its life on the fake driver: one test per family of
 * commands, all on one server `vm1` of a member project, so a failure names the family that broke.
 */
describe('openstack CLI: a server through its lifecycle', { skip, timeout: 900_000 }, () => {
  let c: ComputeCli;
  let vm: string;
  const state = (status: string) => waitForStatus(c.cloud, c.member.token, vm, status);
  const apiServer = async () => (await serverOf(c.cloud, c.member.token, vm)).body.server;

  before(async () => {
    c = await computeCli();
  });
  after(() => c?.cloud.close());

  it('server create --wait with an image, a flavor, a network and a key pair reaches ACTIVE; list --long; show', async () => {
    const key = await c.alice(['keypair', 'create', 'alice-key'], quiet);
    assert.match(key, /PRIVATE KEY/, 'a generated key pair prints its private key');
    const server = await c.alice([
      'server',
      'create',
      '--image',
      'cirros-cli',
      '--flavor',
      'm1.nano',
      '--network',
      'app-net',
      '--key-name',
      'alice-key',
      '--wait',
      'vm1',
    ]);
    vm = server.id;
    assert.equal(server.status, 'ACTIVE');
    assert.equal(server.key_name, 'alice-key');

    const long = await c.alice(['server', 'list', '--long']);
    const row = long.find((r: { ID: string }) => r.ID === vm);
    assert.ok(row, JSON.stringify(long));
    assert.equal(row.Status, 'ACTIVE');
    // The table shows 'Running'; -f json gives the raw power state.
    assert.ok([1, 'Running'].includes(row['Power State']), String(row['Power State']));
    assert.match(JSON.stringify(row.Networks), /app-net/);
    assert.equal(row['Image ID'], c.imageId);

    const shown = await c.alice(['server', 'show', 'vm1']);
    assert.equal(shown.id, vm);
    assert.match(JSON.stringify(shown.addresses), /10\.20\.0\.\d+/);
    const api = await apiServer();
    assert.equal(api.image.id, c.imageId);
    assert.equal(api.flavor.id, '42');
    assert.equal(api['OS-EXT-STS:vm_state'], 'active');
    assert.equal(api['OS-EXT-STS:power_state'], 1);
  });

  it('reboot --soft/--hard --wait, stop/start, pause/unpause, suspend/resume', async () => {
    await c.alice(['server', 'reboot', '--soft', '--wait', 'vm1'], quiet);
    await state('ACTIVE');
    await c.alice(['server', 'reboot', '--hard', '--wait', 'vm1'], quiet);
    await state('ACTIVE');
    await c.alice(['server', 'stop', 'vm1'], quiet);
    assert.equal((await state('SHUTOFF'))['OS-EXT-STS:power_state'], 4);
    await c.alice(['server', 'start', 'vm1'], quiet);
    await state('ACTIVE');
    await c.alice(['server', 'pause', 'vm1'], quiet);
    assert.equal((await state('PAUSED'))['OS-EXT-STS:power_state'], 3);
    await c.alice(['server', 'unpause', 'vm1'], quiet);
    await state('ACTIVE');
    await c.alice(['server', 'suspend', 'vm1'], quiet);
    assert.equal((await state('SUSPENDED'))['OS-EXT-STS:power_state'], 7);
    await c.alice(['server', 'resume', 'vm1'], quiet);
    await state('ACTIVE');
  });

  it('lock --reason (2.73) refuses actions with 409 until unlock', async () => {
    await c.alice(['--os-compute-api-version', '2.73', 'server', 'lock', '--reason', 'maintenance', 'vm1'], quiet);
    const locked = await c.alice(['--os-compute-api-version', '2.73', 'server', 'show', 'vm1']);
    assert.equal(locked.locked, true);
    assert.equal(locked.locked_reason, 'maintenance');
    await assert.rejects(c.alice(['server', 'stop', 'vm1'], quiet), /locked|409/);
    await c.alice(['server', 'unlock', 'vm1'], quiet);
    const unlocked = await c.alice(['--os-compute-api-version', '2.73', 'server', 'show', 'vm1']);
    assert.equal(unlocked.locked, false);
  });

  it('rescue (with another image) / unrescue', async () => {
    await c.alice(['server', 'rescue', '--image', 'cirros-cli-alt', 'vm1'], quiet);
    assert.equal((await state('RESCUE'))['OS-EXT-STS:vm_state'], 'rescued');
    await c.alice(['server', 'unrescue', 'vm1'], quiet);
    await state('ACTIVE');
  });

  it('resize --wait then resize confirm; resize again then resize revert; migrations listed', async () => {
    await c.alice(['server', 'resize', '--flavor', 'm1.micro', '--wait', 'vm1'], quiet);
    await state('VERIFY_RESIZE');
    await c.alice(['server', 'resize', 'confirm', 'vm1'], quiet);
    assert.equal((await state('ACTIVE')).flavor.id, '84');
    await c.alice(['server', 'resize', '--flavor', 'm1.nano', '--wait', 'vm1'], quiet);
    assert.equal((await state('VERIFY_RESIZE')).flavor.id, '42');
    await c.alice(['server', 'resize', 'revert', 'vm1'], quiet);
    assert.equal((await state('ACTIVE')).flavor.id, '84');

    const migrations = await c.admin(['server', 'migration', 'list']);
    const mine = migrations.filter((m: Record<string, unknown>) => m['Server UUID'] === vm);
    assert.equal(mine.length, 2, JSON.stringify(migrations));
    assert.deepEqual(mine.map((m: Record<string, unknown>) => m.Status).sort(), ['confirmed', 'reverted']);
  });

  it('rebuild --image --wait changes the image and keeps the server', async () => {
    // With --wait the client prints 'Complete' before the server, so the answer is read from the API.
    await c.alice(['server', 'rebuild', '--image', 'cirros-cli-alt', '--wait', 'vm1'], quiet);
    const server = await state('ACTIVE');
    assert.equal(server.id, vm);
    assert.equal(server.image.id, c.altImageId);
  });

  it('shelve (offloaded at once) / unshelve --wait', async () => {
    await c.alice(['server', 'shelve', 'vm1'], quiet);
    const shelved = await state('SHELVED_OFFLOADED');
    assert.equal(shelved['OS-EXT-STS:vm_state'], 'shelved_offloaded');
    await c.alice(['server', 'unshelve', '--wait', 'vm1'], quiet);
    await state('ACTIVE');
  });

  it('server image create --wait makes an active snapshot in the Image service', async () => {
    const snap = await c.alice(['server', 'image', 'create', '--name', 'vm1-snap', '--wait', 'vm1']);
    const image = await c.alice(['image', 'show', snap.id]);
    assert.equal(image.name, 'vm1-snap');
    assert.equal(image.status, 'active');
    assert.equal(image.properties?.instance_uuid ?? image.instance_uuid, vm);
    await state('ACTIVE');
  });

  it('add / remove security group; console log show', async () => {
    await c.alice(['security', 'group', 'create', 'web']);
    await c.alice(['server', 'add', 'security', 'group', 'vm1', 'web'], quiet);
    const names = async () => ((await apiServer()).security_groups ?? []).map((g: { name: string }) => g.name);
    assert.ok((await names()).includes('web'), JSON.stringify(await names()));
    await c.alice(['server', 'remove', 'security', 'group', 'vm1', 'web'], quiet);
    assert.ok(!(await names()).includes('web'));
    const log = await c.alice(['console', 'log', 'show', 'vm1'], quiet);
    assert.ok(log.length > 0, 'the fake driver keeps a boot log');
  });

  it('server event list / event show: every action recorded with its request id', async () => {
    const events = await c.alice(['server', 'event', 'list', 'vm1']);
    const actions = events.map((e: { Action: string }) => e.Action);
    for (const a of ['create', 'reboot', 'stop', 'start', 'pause', 'resize', 'confirmResize', 'rebuild', 'shelve'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
    const create = events.find((e: { Action: string }) => e.Action === 'create');
    const own = await c.alice(['server', 'event', 'show', 'vm1', create['Request ID']]);
    assert.equal(own.action, 'create');
    // Events (start/finish of each step) are for admins only (os-instance-actions:events), as in Nova.
    assert.equal(own.events, undefined);
    const shown = await c.admin(['server', 'event', 'show', vm, create['Request ID']]);
    assert.ok(Array.isArray(shown.events) && shown.events.length > 0, JSON.stringify(shown));
    assert.ok(
      shown.events.some((e: { event: string }) => e.event === 'compute__do_build_and_run_instance'),
      JSON.stringify(shown.events),
    );
  });

  it('server group (affinity) with a server in it: create/list/show/delete', async () => {
    const group = await c.alice(['server', 'group', 'create', '--policy', 'affinity', 'grp']);
    const member = await c.alice([
      'server',
      'create',
      '--image',
      'cirros-cli',
      '--flavor',
      'm1.nano',
      '--network',
      'app-net',
      '--hint',
      `group=${group.id}`,
      '--wait',
      'vm-grouped',
    ]);
    assert.equal(member.status, 'ACTIVE');
    const listed = await c.alice(['server', 'group', 'list']);
    assert.ok(listed.some((g: { ID: string }) => g.ID === group.id));
    const shown = await c.alice(['server', 'group', 'show', 'grp']);
    assert.match(JSON.stringify(shown.members), new RegExp(member.id));
    await c.alice(['server', 'delete', '--wait', 'vm-grouped'], quiet);
    await c.alice(['server', 'group', 'delete', 'grp'], quiet);
    assert.ok(!(await c.alice(['server', 'group', 'list'])).some((g: { ID: string }) => g.ID === group.id));
  });

  it('server delete --wait removes the server and its ports', async () => {
    await c.alice(['server', 'delete', '--wait', 'vm1'], quiet);
    await waitForGone(c.cloud, c.member.token, vm);
    const ports = await c.cloud.call('GET', `/networking/v2.0/ports?device_id=${vm}`, { token: c.member.token });
    assert.deepEqual(ports.body.ports, []);
    assert.equal((await c.alice(['server', 'list'])).length, 0);
  });
});
