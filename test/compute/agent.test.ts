import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_TOPIC, AgentMethod, ServerMethod } from '../../src/compute/agent/rpc.ts';
import { agentRig, fakeSpec, settle, uuid } from './agent-fixture.ts';

const M = AgentMethod;
const S = ServerMethod;

describe('compute agent', () => {
  test('heartbeat first with start_flag, host resources and traits', async () => {
    const rig = await agentRig(['h1']);
    try {
      const [first] = rig.server.of(S.reportState);
      assert.equal(first.payload.host, 'h1');
      assert.equal(first.payload.node, 'h1');
      assert.equal(first.payload.start_flag, true);
      assert.equal(first.payload.driver, 'fake');
      assert.equal(first.payload.resources.hypervisor_type, 'fake');
      assert.ok(first.payload.traits.includes('COMPUTE_NODE'));
      assert.equal(rig.server.of(S.syncInstances).length, 1);
    } finally {
      await rig.close();
    }
  });

  test('a build: start event, instance_update to active, finish event', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(1);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await settle(rig);
      const mine = rig.server.calls.filter((c) => c.payload.uuid === id);
      assert.deepEqual(
        mine.map((c) => [c.method, c.payload.phase ?? c.payload.vm_state]),
        [
          [S.actionEvent, 'start'],
          [S.instanceUpdate, 'active'],
          [S.actionEvent, 'finish'],
        ],
      );
      assert.equal(mine[0].payload.event, 'compute__do_build_and_run_instance');
      assert.equal(mine[0].payload.request_id, 'req-build_and_run_instance');
      assert.deepEqual(mine[1].payload.expected_task_state, ['spawning']);
      assert.equal(mine[1].payload.task_state, null);
      assert.equal(mine[1].payload.power_state, 1);
      assert.equal(mine[1].payload.node, 'h1');
      assert.ok(mine[1].payload.launched_at);
      assert.equal(mine[2].payload.result, 'Success');
      const row = rig.server.rows.get(id);
      assert.equal(row?.vm_state, 'active');
    } finally {
      await rig.close();
    }
  });

  test('a failing spawn reports build_failed for rescheduling, no instance_update', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(2);
      const spec = fakeSpec(id, { injected: { metadata: { fake_fail_spawn: '*' }, configDrive: false } });
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      assert.equal(rig.server.of(S.instanceUpdate, id).length, 0);
      const [failed] = rig.server.of(S.buildFailed, id);
      assert.equal(failed.payload.reschedule, true);
      assert.equal(failed.payload.host, 'h1');
      assert.match(failed.payload.reason, /fake_fail_spawn/);
      const finish = rig.server.of(S.actionEvent, id).find((c) => c.payload.phase === 'finish');
      assert.equal(finish?.payload.result, 'Error');
      assert.match(finish?.payload.traceback, /InjectedFailure/);
      // finish comes before build_failed, so a rescheduled attempt's events never interleave with this one's
      const order = rig.server.calls.filter((c) => c.payload.uuid === id).map((c) => c.method);
      assert.deepEqual(order.slice(-2), [S.actionEvent, S.buildFailed]);
      assert.equal((await rig.drivers.get('h1')?.listInstances())?.length, 0);
    } finally {
      await rig.close();
    }
  });

  test('a refused compare-and-set abandons the build and destroys the instance', async () => {
    const rig = await agentRig(['h1'], 100);
    try {
      const id = uuid(3);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await sleep(30);
      const row = rig.server.rows.get(id);
      if (row) row.task_state = 'deleting'; // deleted meanwhile
      await settle(rig);
      assert.equal((await rig.drivers.get('h1')?.listInstances())?.length, 0);
      assert.equal(rig.server.of(S.buildFailed, id).length, 0);
      const finish = rig.server.of(S.actionEvent, id).find((c) => c.payload.phase === 'finish');
      assert.match(finish?.payload.traceback, /UnexpectedTaskStateError/);
    } finally {
      await rig.close();
    }
  });

  test('lifecycle casts follow the transitions table', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(4);
      const spec = fakeSpec(id);
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      const row = () => rig.server.rows.get(id);
      const steps: [string, string, Record<string, unknown> | undefined, string, number][] = [
        [M.stop, 'powering-off', undefined, 'stopped', 4],
        [M.start, 'powering-on', undefined, 'active', 1],
        [M.reboot, 'rebooting_hard', { type: 'HARD' }, 'active', 1],
        [M.reboot, 'rebooting', { type: 'SOFT' }, 'active', 1],
        [M.pause, 'pausing', undefined, 'paused', 3],
        [M.unpause, 'unpausing', undefined, 'active', 1],
        [M.suspend, 'suspending', undefined, 'suspended', 7],
        [M.resume, 'resuming', undefined, 'active', 1],
        [M.rescue, 'rescuing', { image: spec.image }, 'rescued', 1],
        [M.unrescue, 'unrescuing', undefined, 'active', 1],
        [M.rebuild, 'rebuilding', { preserve_stopped: false }, 'active', 1],
        [M.stop, 'powering-off', undefined, 'stopped', 4],
        [M.rebuild, 'rebuilding', undefined, 'stopped', 4],
        [M.start, 'powering-on', undefined, 'active', 1],
      ];
      for (const [method, task, args, vm, power] of steps) {
        await rig.server.cast('h1', method, spec, task, args);
        await settle(rig);
        assert.deepEqual([method, row()?.vm_state, row()?.task_state, row()?.power_state], [method, vm, null, power]);
        const finish = rig.server.of(S.actionEvent, id).at(-1);
        assert.deepEqual([finish?.payload.event, finish?.payload.result], [`compute_${method}`, 'Success']);
      }
      const reboots = rig.server
        .of(S.instanceUpdate, id)
        .filter((c) => String(c.payload.task_state).startsWith('reboot'));
      assert.deepEqual(
        reboots.map((c) => c.payload.task_state),
        ['reboot_started_hard', 'reboot_started'],
      );
      await rig.server.cast('h1', M.terminate, spec, 'deleting');
      await settle(rig);
      assert.deepEqual([row()?.vm_state, row()?.task_state, row()?.power_state], ['deleted', null, 0]);
      assert.equal((await rig.drivers.get('h1')?.listInstances())?.length, 0);
    } finally {
      await rig.close();
    }
  });

  test('interface attach and detach: events only, the NIC shows in the console log', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(12);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await settle(rig);
      const vif = {
        id: 'port-9',
        address: 'fa:16:3e:00:00:09',
        network: { id: 'net-9', label: 'nine' },
        fixed_ips: [{ ip_address: '10.9.9.9', subnet_id: 's9', version: 4 }],
      };
      await rig.server.cast('h1', M.attachInterface, fakeSpec(id), null, { vif });
      await settle(rig);
      assert.match(await rig.drivers.get('h1')!.consoleOutput(id), /10\.9\.9\.9/);
      await rig.server.cast('h1', M.detachInterface, fakeSpec(id), null, { vif });
      await settle(rig);
      assert.doesNotMatch(await rig.drivers.get('h1')!.consoleOutput(id), /10\.9\.9\.9/);
      const finishes = rig.server.of(S.actionEvent, id).filter((c) => c.payload.phase === 'finish');
      assert.deepEqual(
        finishes.slice(-2).map((c) => [c.payload.event, c.payload.result]),
        [
          ['compute_attach_interface', 'Success'],
          ['compute_detach_interface', 'Success'],
        ],
      );
      assert.equal(rig.server.of(S.instanceUpdate, id).length, 1); // only the build's
    } finally {
      await rig.close();
    }
  });

  test('a driver error resets the task with a fault and finishes the event with Error', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(5);
      rig.server.rows.set(id, { host: 'h1', vm_state: 'active', task_state: null, power_state: 1, spec: fakeSpec(id) });
      await rig.server.cast('h1', M.pause, fakeSpec(id), 'pausing'); // the driver has no such instance
      await settle(rig);
      const [u] = rig.server.of(S.instanceUpdate, id);
      assert.deepEqual(u.payload.expected_task_state, ['pausing']);
      assert.equal(u.payload.task_state, null);
      assert.equal(u.payload.vm_state, undefined);
      assert.equal(u.payload.fault.code, 500);
      assert.match(u.payload.fault.message, /could not be found/);
      assert.equal(rig.server.of(S.actionEvent, id).at(-1)?.payload.result, 'Error');
    } finally {
      await rig.close();
    }
  });

  test('one cast at a time per instance, instances in parallel', async () => {
    const rig = await agentRig(['h1'], 150);
    try {
      await Promise.all(
        [1, 2, 3, 4].map((n) => rig.server.cast('h1', M.buildAndRun, fakeSpec(uuid(10 + n)), 'spawning')),
      );
      await settle(rig);
      // In parallel: every build started before the first one finished spawning.
      const order = rig.server.calls.map((c) => `${c.method}:${c.payload.phase ?? ''}`);
      const lastStart = order.lastIndexOf(`${S.actionEvent}:start`);
      const firstUpdate = order.indexOf(`${S.instanceUpdate}:`);
      assert.ok(lastStart < firstUpdate, order.join(' '));
      // Serialized per instance: the start cast waits for the stop to finish.
      const spec = fakeSpec(uuid(11));
      const from = rig.server.calls.length;
      await rig.server.cast('h1', M.stop, spec, 'powering-off');
      await sleep(5);
      await rig.server.cast('h1', M.start, spec, 'powering-on');
      await settle(rig);
      const seq = rig.server.calls
        .slice(from)
        .map((c) => `${c.payload.event ?? c.method}:${c.payload.phase ?? c.payload.vm_state}`);
      assert.deepEqual(seq, [
        'compute_stop_instance:start',
        `${S.instanceUpdate}:stopped`,
        'compute_stop_instance:finish',
        'compute_start_instance:start',
        `${S.instanceUpdate}:active`,
        'compute_start_instance:finish',
      ]);
      assert.equal(rig.server.rows.get(uuid(11))?.vm_state, 'active');
    } finally {
      await rig.close();
    }
  });

  test('a delete preempts a hung spawn', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(6);
      const spec = fakeSpec(id, { injected: { metadata: { fake_hang: 'spawn' }, configDrive: false } });
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await sleep(30);
      await rig.server.cast('h1', M.terminate, spec, 'deleting');
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.vm_state, 'deleted');
      assert.equal(rig.server.of(S.buildFailed, id).length, 0);
    } finally {
      await rig.close();
    }
  });

  test('a delete during a snapshot gives the image up', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(9);
      const spec = fakeSpec(id, { injected: { metadata: { fake_hang: 'snapshot' }, configDrive: false } });
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      const upload = { url: 'http://127.0.0.1:1/never', token: 't' };
      await rig.server.cast('h1', M.snapshot, spec, 'image_snapshot', { image_id: 'img-x', upload });
      await sleep(30);
      await rig.server.cast('h1', M.terminate, spec, 'deleting');
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.vm_state, 'deleted');
      assert.deepEqual(rig.server.of(S.snapshotDone, id)[0]?.payload.ok, false);
    } finally {
      await rig.close();
    }
  });

  test('calls: console output, remote console, diagnostics', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(7);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await settle(rig);
      const msg = (args?: Record<string, unknown>) => ({
        context: { request_id: 'r', user_id: 'u', project_id: 'p' },
        instance: fakeSpec(id),
        args,
      });
      const target = { topic: AGENT_TOPIC, server: 'h1' };
      const out = await rig.bus.call<{ output: string }>(target, M.consoleOutput, msg({ length: 3 }));
      assert.equal(out.output.split('\n').length, 3);
      assert.match(out.output, /host-0000 login:/);
      const full = await rig.bus.call<{ output: string }>(target, M.consoleOutput, msg());
      assert.match(full.output, /10\.0\.0\.5/);
      const c = await rig.bus.call<{ protocol: string }>(target, M.remoteConsole, msg({ kind: 'serial' }));
      assert.equal(c.protocol, 'serial');
      const d = await rig.bus.call<{ num_nics: number; state: string }>(target, M.diagnostics, msg());
      assert.deepEqual([d.state, d.num_nics], ['running', 1]);
      await assert.rejects(
        rig.bus.call(target, M.diagnostics, { ...msg(), instance: fakeSpec(uuid(99)) }),
        /could not be found/,
      );
    } finally {
      await rig.close();
    }
  });

  test('snapshot streams the disk to the upload URL, then snapshot_done', async () => {
    const got: { headers: Record<string, unknown>; size: number; method?: string }[] = [];
    const http = createServer((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
      });
      req.on('end', () => {
        got.push({ headers: req.headers, size, method: req.method });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as AddressInfo).port;
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(8);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await settle(rig);
      const upload = { url: `http://127.0.0.1:${port}/v2/images/img-9/file`, token: 'tok-1' };
      await rig.server.cast('h1', M.snapshot, fakeSpec(id), 'image_snapshot', { image_id: 'img-9', upload });
      await settle(rig);
      assert.equal(got.length, 1);
      assert.equal(got[0].method, 'PUT');
      assert.equal(got[0].headers['x-auth-token'], 'tok-1');
      assert.equal(got[0].headers['content-type'], 'application/octet-stream');
      assert.ok(got[0].size > 1024);
      const tasks = rig.server.of(S.instanceUpdate, id).map((c) => c.payload.task_state);
      assert.deepEqual(tasks.slice(-3), ['image_pending_upload', 'image_uploading', null]);
      assert.deepEqual(rig.server.of(S.snapshotDone, id)[0].payload, { uuid: id, image_id: 'img-9', ok: true });

      // shelve with upload and offload, then unshelve
      await rig.server.cast('h1', M.shelve, fakeSpec(id), 'shelving', { image_id: 'img-10', upload, offload: true });
      await settle(rig);
      const row = rig.server.rows.get(id);
      assert.deepEqual(
        [row?.vm_state, row?.task_state, row?.power_state, row?.host],
        ['shelved_offloaded', null, 4, null],
      );
      assert.equal(got.length, 2);
      assert.equal(rig.server.of(S.snapshotDone, id).length, 2);
      assert.equal((await rig.drivers.get('h1')?.listInstances())?.length, 0);
      if (row) row.host = 'h1';
      await rig.server.cast('h1', M.unshelve, fakeSpec(id), 'unshelving');
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.vm_state, 'active');

      // an upload the image service refuses: task reset, snapshot_done not ok
      const bad = { url: `http://127.0.0.1:1/nowhere`, token: 't' };
      await rig.server.cast('h1', M.snapshot, fakeSpec(id), 'image_snapshot', { image_id: 'img-11', upload: bad });
      await settle(rig);
      const done = rig.server.of(S.snapshotDone, id).at(-1);
      assert.equal(done?.payload.ok, false);
      assert.deepEqual([rig.server.rows.get(id)?.vm_state, rig.server.rows.get(id)?.task_state], ['active', null]);
    } finally {
      await rig.close();
      http.close();
    }
  });
});
