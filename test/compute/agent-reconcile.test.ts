import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AgentMethod as M, ServerMethod as S } from '../../src/compute/agent/rpc.ts';
import { agentRig, fakeSpec, settle, until, uuid } from './agent-fixture.ts';

const sig = () => ({ signal: new AbortController().signal });

describe('compute agent reconcile', () => {
  test('destroys instances the database does not place here, reports vanished ones and power drift', async () => {
    const rig = await agentRig(['h1']);
    try {
      const driver = rig.drivers.get('h1');
      assert.ok(driver);
      const stray = uuid(1);
      const vanished = uuid(2);
      const drifted = uuid(3);
      const fine = uuid(4);
      await driver.spawn(fakeSpec(stray), sig());
      await driver.spawn(fakeSpec(drifted), sig());
      await driver.spawn(fakeSpec(fine), sig());
      const row = (power: number, vm = 'active') => ({
        host: 'h1',
        vm_state: vm,
        task_state: null,
        power_state: power,
        spec: fakeSpec(vanished),
      });
      rig.server.rows.set(vanished, row(1));
      rig.server.rows.set(drifted, row(4, 'stopped'));
      rig.server.rows.set(fine, row(1));
      const result = await rig.agents.get('h1')?.resync();
      assert.deepEqual(result?.destroyed, [stray]);
      assert.deepEqual(result?.missing, [vanished]);
      assert.deepEqual(result?.powerFixed, [drifted]);
      assert.deepEqual((await driver.listInstances()).map((i) => i.uuid).sort(), [drifted, fine]);
      const [gone] = rig.server.of(S.instanceUpdate, vanished);
      assert.deepEqual(gone.payload, { uuid: vanished, host: 'h1', power_state: 0 });
      assert.equal(rig.server.of(S.instanceUpdate, drifted)[0].payload.power_state, 1);
      assert.equal(rig.server.of(S.instanceUpdate, fine).length, 0);
      // a second pass changes nothing more
      const again = await rig.agents.get('h1')?.resync();
      assert.deepEqual(again, { destroyed: [], missing: [], rescheduled: [], powerFixed: [] });
    } finally {
      await rig.close();
    }
  });

  test('resync fanout makes every agent reconcile', async () => {
    const rig = await agentRig(['h1', 'h2']);
    try {
      const before = rig.server.of(S.syncInstances).length;
      await rig.bus.fanout('compute-agent', M.resync, {});
      await until('two syncs', () => rig.server.of(S.syncInstances).length === before + 2);
      const hosts = rig.server
        .of(S.syncInstances)
        .slice(before)
        .map((c) => c.payload.host)
        .sort();
      assert.deepEqual(hosts, ['h1', 'h2']);
    } finally {
      await rig.close();
    }
  });

  test('a spawning instance the driver lacks is handed back after two passes (one right after start)', async () => {
    const rig = await agentRig(['h1']);
    try {
      const id = uuid(5);
      rig.server.rows.set(id, {
        host: 'h1',
        vm_state: 'building',
        task_state: 'spawning',
        power_state: 0,
        spec: fakeSpec(id),
      });
      const agent = rig.agents.get('h1');
      assert.deepEqual((await agent?.resync())?.rescheduled, []); // maybe its cast is on the way
      assert.deepEqual((await agent?.resync())?.rescheduled, [id]);
      assert.equal(rig.server.of(S.buildFailed, id)[0].payload.reschedule, true);
    } finally {
      await rig.close();
    }
  });

  test('kill stops everything at once; a new agent on the same data dir finds the instances', async () => {
    const rig = await agentRig(['h1'], 200);
    try {
      const kept = uuid(6);
      const lost = uuid(7);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(kept), 'spawning');
      await settle(rig);
      assert.equal(rig.server.rows.get(kept)?.vm_state, 'active');
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(lost), 'spawning');
      await sleep(50);
      rig.agents.get('h1')?.kill();
      const calls = rig.server.calls.length;
      await sleep(300);
      assert.equal(rig.server.calls.length, calls, 'a killed agent reports nothing');
      await assert.rejects(rig.server.cast('h1', M.stop, fakeSpec(kept), 'powering-off'), /nobody consumes/);
      rig.server.rows.get(kept)!.task_state = null;

      const fresh = await rig.replace('h1');
      const reports = rig.server.of(S.reportState);
      assert.equal(reports.at(-1)?.payload.start_flag, true);
      assert.deepEqual(
        (await rig.drivers.get('h1')?.listInstances())?.map((i) => [i.uuid, i.power_state]),
        [[kept, 1]],
      );
      // the build cut short by the crash is handed back by the first pass after start
      assert.equal(rig.server.of(S.buildFailed, lost).length, 1);
      assert.equal(rig.server.of(S.buildFailed, kept).length, 0);
      await rig.server.cast('h1', M.stop, fakeSpec(kept), 'powering-off');
      await settle(rig);
      assert.equal(rig.server.rows.get(kept)?.vm_state, 'stopped');
      assert.equal(fresh.host, 'h1');
    } finally {
      await rig.close();
    }
  });

  test('stop aborts running work without reporting it', async () => {
    const rig = await agentRig(['h1'], 5000);
    try {
      const id = uuid(8);
      await rig.server.cast('h1', M.buildAndRun, fakeSpec(id), 'spawning');
      await sleep(30);
      const t0 = Date.now();
      await rig.agents.get('h1')?.stop();
      assert.ok(Date.now() - t0 < 1000);
      assert.equal(rig.server.of(S.instanceUpdate, id).length, 0);
      assert.equal(rig.server.of(S.buildFailed, id).length, 0);
    } finally {
      await rig.close();
    }
  });
});
