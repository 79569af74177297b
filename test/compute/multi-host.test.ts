import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inProcessComputeAgents } from '../../src/compute/agent/in-process.ts';
import { AgentMethod as M, ServerMethod as S } from '../../src/compute/agent/rpc.ts';
import type { ComputeDeps } from '../../src/compute/deps.ts';
import { createMemoryBus } from '../../src/core/bus/memory-bus.ts';
import { loadConfig } from '../../src/core/config.ts';
import { agentRig, fakeServer, fakeSpec, settle, uuid } from './agent-fixture.ts';

const bigger = { name: 'm1.small', vcpus: 2, memory_mb: 2048, root_gb: 20, ephemeral_gb: 0, swap: 0, extra_specs: {} };

describe('compute agents on several hosts', () => {
  test('the in-process harness runs one agent per configured host; a killed one is replaced', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'strata-hosts-'));
    const bus = createMemoryBus();
    const server = fakeServer(bus);
    const config = await loadConfig({
      values: { dataDir, drivers: 'fake', compute: { hosts: ['h1', 'h2', 'h3', 'h4', 'h5'], reportInterval: 3600 } },
    });
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const harness = inProcessComputeAgents({ config, bus, log: quiet } as unknown as ComputeDeps);
    try {
      await harness.start();
      assert.equal(harness.describe(), 'fake, 1000 vCPUs, 800000 MB, 5 agents (h1..h5)');
      const reported = server.of(S.reportState).map((c) => c.payload.host);
      assert.deepEqual(reported.sort(), ['h1', 'h2', 'h3', 'h4', 'h5']);
      const id = uuid(9);
      await server.cast('h3', M.buildAndRun, fakeSpec(id), 'spawning');
      await settle({ idle: () => Promise.all([...harness.agents.values()].map((a) => a.idle())) });
      harness.agents.get('h3')?.kill();
      const h3 = await harness.restart('h3');
      assert.equal(harness.agents.get('h3'), h3);
      assert.equal(
        server
          .of(S.reportState)
          .filter((c) => c.payload.host === 'h3')
          .at(-1)?.payload.start_flag,
        true,
      );
      await server.cast('h3', M.stop, fakeSpec(id), 'powering-off');
      await settle(h3);
      assert.equal(server.rows.get(id)?.vm_state, 'stopped');
    } finally {
      await harness.stop();
      server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('resize to another host, confirm; resize back, revert', async () => {
    const rig = await agentRig(['h1', 'h2']);
    try {
      const id = uuid(1);
      const spec = fakeSpec(id);
      const row = () => rig.server.rows.get(id);
      const list = async (h: string) => (await rig.drivers.get(h)?.listInstances()) ?? [];
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);

      await rig.server.cast('h1', M.resize, spec, 'resize_prep', {
        dest_host: 'h2',
        dest_node: 'h2',
        new_flavor: bigger,
        migration_uuid: 'mig-1',
      });
      await settle(rig);
      assert.deepEqual([row()?.vm_state, row()?.task_state], ['active', 'resize_migrated']);
      const resized = { ...spec, flavor: bigger };
      await rig.server.cast('h2', M.finishResize, resized, 'resize_migrated', { was_stopped: false });
      await settle(rig);
      assert.deepEqual(
        [row()?.vm_state, row()?.task_state, row()?.power_state, row()?.host, row()?.node],
        ['resized', null, 1, 'h2', 'h2'],
      );
      // The source keeps its copy for a revert; reconciling h1 (the DB now says h2) must not destroy it.
      await rig.agents.get('h1')?.resync();
      assert.equal((await list('h1'))[0]?.kept_for_revert, true);
      await rig.server.cast('h1', M.confirmResize, resized, 'resize_confirming');
      await settle(rig);
      assert.deepEqual([row()?.vm_state, row()?.task_state], ['active', null]);
      assert.equal((await list('h1')).length, 0);
      assert.equal((await list('h2'))[0]?.flavor?.vcpus, 2);
      assert.equal((await rig.drivers.get('h2')?.resources())?.vcpus_used, 2);

      // back to h1, then revert: h2 keeps the instance with its flavor
      await rig.server.cast('h2', M.resize, resized, 'resize_prep', { dest_host: 'h1', new_flavor: spec.flavor });
      await settle(rig);
      await rig.server.cast('h1', M.finishResize, spec, 'resize_migrated');
      await settle(rig);
      assert.equal(row()?.host, 'h1');
      rig.server.rows.get(id)!.task_state = 'resize_reverting';
      await rig.server.cast('h1', M.revertResize, spec, 'resize_reverting');
      await settle(rig);
      assert.deepEqual([row()?.vm_state, row()?.task_state], ['resized', 'resize_reverting']);
      assert.equal((await list('h1')).length, 0);
      await rig.server.cast('h2', M.finishRevertResize, resized, 'resize_reverting');
      await settle(rig);
      assert.deepEqual(
        [row()?.vm_state, row()?.task_state, row()?.power_state, row()?.host],
        ['active', null, 1, 'h2'],
      );
      assert.equal((await list('h2'))[0]?.flavor?.vcpus, 2);
      assert.equal((await list('h2'))[0]?.kept_for_revert, undefined);
      const events = rig.server.of(S.actionEvent, id).filter((c) => c.payload.phase === 'finish');
      assert.ok(events.every((e) => e.payload.result === 'Success'));
    } finally {
      await rig.close();
    }
  });

  test('a stopped server resizes and stays stopped', async () => {
    const rig = await agentRig(['h1', 'h2']);
    try {
      const id = uuid(2);
      const spec = fakeSpec(id);
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      await rig.server.cast('h1', M.stop, spec, 'powering-off');
      await settle(rig);
      await rig.server.cast('h1', M.resize, spec, 'resize_prep', { dest_host: 'h2', new_flavor: bigger });
      await settle(rig);
      await rig.server.cast('h2', M.finishResize, { ...spec, flavor: bigger }, 'resize_migrated', {
        was_stopped: true,
      });
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.power_state, 4);
      await rig.server.cast('h1', M.confirmResize, spec, 'resize_confirming', { was_stopped: true });
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.vm_state, 'stopped');
    } finally {
      await rig.close();
    }
  });

  test('live migration moves the instance to the destination host', async () => {
    const rig = await agentRig(['h1', 'h2', 'h3']);
    try {
      const id = uuid(3);
      const spec = fakeSpec(id);
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      await rig.server.cast('h1', M.liveMigrate, spec, 'migrating', { dest_host: 'h3', dest_node: 'h3' });
      await settle(rig);
      const row = rig.server.rows.get(id);
      assert.deepEqual([row?.vm_state, row?.task_state, row?.power_state, row?.host], ['active', null, 1, 'h3']);
      assert.equal((await rig.drivers.get('h1')?.listInstances())?.length, 0);
      assert.equal((await rig.drivers.get('h3')?.listInstances())?.length, 1);
      // every host reconciles without touching it
      for (const a of rig.agents.values()) await a.resync();
      assert.equal((await rig.drivers.get('h3')?.listInstances())?.length, 1);
      // console output now comes from h3
      await rig.server.cast('h3', M.reboot, spec, 'rebooting', { type: 'SOFT' });
      await settle(rig);
      assert.equal(rig.server.of(S.actionEvent, id).at(-1)?.payload.host, 'h3');
      // a live migration to a host with no agent fails and leaves the server as it was
      await rig.server.cast('h3', M.liveMigrate, spec, 'migrating', { dest_host: 'h9' });
      await settle(rig);
      const after = rig.server.rows.get(id);
      assert.deepEqual([after?.vm_state, after?.task_state, after?.host], ['active', null, 'h3']);
    } finally {
      await rig.close();
    }
  });

  test('failure injection by host name spawns elsewhere', async () => {
    const rig = await agentRig(['h1', 'h2']);
    try {
      const id = uuid(4);
      const spec = fakeSpec(id, { injected: { metadata: { fake_fail_spawn: 'h1' }, configDrive: false } });
      await rig.server.cast('h1', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      assert.equal(rig.server.of(S.buildFailed, id).length, 1);
      rig.server.rows.get(id)!.host = 'h2';
      await rig.server.cast('h2', M.buildAndRun, spec, 'spawning');
      await settle(rig);
      assert.equal(rig.server.rows.get(id)?.vm_state, 'active');
    } finally {
      await rig.close();
    }
  });
});
