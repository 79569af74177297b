/**
 * Issue 6, acceptance item 3: restart the all-in-one while a server runs. The `strata start` process is stopped
 * by its pid (SIGTERM, a clean stop) and started again on the same data directory, host name and port; the
 * guest's QEMU process must keep running (same pid) and afterwards the server is still ACTIVE with the same
 * address, its console log still has what the guest printed before the restart and keeps growing, and actions
 * still reach it (a reboot prints another ready marker).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { processesOf } from '../../scripts/conformance/host-leftovers.ts';
import { startRealCloud } from '../../scripts/conformance/real-cloud.ts';
import {
  attach,
  consoleLog,
  type E2eCloud,
  e2eSkipReason,
  FLAVOR,
  fixedIp,
  readyLine,
  type ServerRow,
  startE2eCloud,
  waitReady,
  waitStatus,
} from './real-cloud-fixture.ts';

const skip = await e2eSkipReason();
if (skip) console.log(`# skipped: restart with real instances: ${skip}`);
const opts = { skip: skip ?? false, timeout: 600_000 };

let e2e: E2eCloud;
const state = { id: '', ip: '', qemuPid: 0, log: '' };

before(async () => {
  if (!skip) e2e = await startE2eCloud();
});
after(async () => {
  await e2e?.close();
});

const qemuPids = (id: string) =>
  processesOf(e2e.cloud.dataDir)
    .filter((p) => /qemu-system/.test(p.cmd) && p.cmd.includes(id))
    .map((p) => p.pid);

test('a server runs before the restart', opts, async () => {
  const os = e2e.admin;
  await os([
    'flavor',
    'create',
    '--ram',
    String(FLAVOR.ram),
    '--vcpus',
    '1',
    '--disk',
    String(FLAVOR.disk),
    FLAVOR.name,
  ]);
  const net = await os(['network', 'create', 'restart-net']);
  e2e.scope.networkIds.push(net.id);
  await os(['subnet', 'create', '--network', 'restart-net', '--subnet-range', '10.70.0.0/24', 'restart-subnet']);
  const created = (await os([
    'server',
    'create',
    '--flavor',
    FLAVOR.name,
    '--image',
    'strata-guest',
    '--network',
    'restart-net',
    'vm-restart',
  ])) as ServerRow;
  state.id = created.id;
  state.ip = fixedIp(await waitStatus(os, created.id, 'ACTIVE'), 'restart-net');
  state.log = await waitReady(os, created.id);
  assert.equal(readyLine(state.log).ip, state.ip);
  const pids = qemuPids(created.id);
  assert.equal(pids.length, 1, 'expected one QEMU process');
  state.qemuPid = pids[0];
});

test('stopping and starting strata leaves the QEMU process running', opts, async () => {
  const { cloud } = e2e;
  const port = Number(new URL(cloud.url).port);
  await cloud.stop();
  assert.ok(isAlive(state.qemuPid), `QEMU ${state.qemuPid} did not survive the stop of strata`);
  const again = await startRealCloud({ dataDir: cloud.dataDir, host: cloud.host, password: cloud.password, port });
  const scope = e2e.scope;
  e2e = await attach(again);
  e2e.scope.networkIds.push(...scope.networkIds.filter((id) => !e2e.scope.networkIds.includes(id)));
  assert.ok(isAlive(state.qemuPid), `QEMU ${state.qemuPid} did not survive the start of strata`);
});

test("afterwards the server's state, address and console log are right", opts, async () => {
  const os = e2e.admin;
  const s = await waitStatus(os, state.id, 'ACTIVE', 30_000);
  assert.equal(fixedIp(s, 'restart-net'), state.ip);
  // The CLI shows the power state as Nova's number (1) or its name, by version.
  assert.ok(
    [1, 'Running'].includes(s['OS-EXT-STS:power_state'] as number),
    `power state ${s['OS-EXT-STS:power_state']}`,
  );
  assert.deepEqual(qemuPids(state.id), [state.qemuPid], 'the agent started another QEMU for the adopted server');
  const log = await consoleLog(os, state.id);
  assert.ok(log.includes(readyLine(state.log).hostname ?? '\0'), 'the console log lost what the guest printed');
  // The adopted console still records: a reboot prints a second ready marker.
  await os(['server', 'reboot', '--hard', state.id], { json: false });
  await waitStatus(os, state.id, 'ACTIVE');
  const after = await waitReady(os, state.id, 2);
  assert.equal(readyLine(after).ip, state.ip);
  await os(['server', 'delete', '--wait', state.id], { json: false });
  assert.ok(!isAlive(state.qemuPid), 'QEMU still runs after the server was deleted');
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
