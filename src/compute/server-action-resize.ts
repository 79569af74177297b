import { AgentMethod } from './agent/rpc.ts';
import { badRequest } from './errors.ts';
import { findFlavor } from './flavor-store.ts';
import { TaskState } from './instance-state.ts';
import { updateInstance } from './instance-store.ts';
import { checkQuota } from './quotas.ts';
import {
  type ActionCall,
  type ActionSpec,
  accepted,
  actRequest,
  bodyObject,
  castAction,
  onlyKeys,
} from './server-action-context.ts';
import { idOfRef } from './server-create-input.ts';
import { asBool } from './server-create-schema.ts';
import { flavorOf } from './server-view.ts';

async function resize(call: ActionCall) {
  const body = bodyObject(call, 'resize');
  onlyKeys('resize', body, ['flavorRef', 'OS-DCF:diskConfig']);
  const ref = body.flavorRef;
  if ((typeof ref !== 'string' || ref === '') && typeof ref !== 'number')
    throw badRequest("Invalid input for field/attribute resize. 'flavorRef' is a required property");
  const disk = body['OS-DCF:diskConfig'];
  if (disk !== undefined && disk !== 'AUTO' && disk !== 'MANUAL')
    throw badRequest(`Invalid input for field/attribute OS-DCF:diskConfig. Value: ${disk}.`);
  const id = idOfRef(ref);
  let flavor: Awaited<ReturnType<typeof findFlavor>>;
  try {
    flavor = await findFlavor(call.deps.db, id, call.caller);
  } catch {
    throw badRequest(`Flavor ${id} could not be found.`);
  }
  const current = flavorOf(call.row);
  if (flavor.id === current.id) throw badRequest('When resizing, instances must change flavor!');
  if (call.row.image_ref && flavor.root_gb < current.root_gb)
    throw badRequest('Server disk was unable to be resized because: Unable to resize disk down.');
  if (flavor.disabled) throw badRequest('Flavor is disabled.');
  const cores = flavor.vcpus - current.vcpus;
  const ram = flavor.memory_mb - current.memory_mb;
  if (cores > 0 || ram > 0)
    await checkQuota(
      call.deps,
      { project_id: call.row.project_id, user_id: call.row.user_id },
      { cores: Math.max(cores, 0), ram: Math.max(ram, 0) },
    );
  if (disk !== undefined) await updateInstance(call.deps.db, call.row.uuid, { disk_config: disk as string });
  await call.deps.conductor.resize({
    ...actRequest(call, 'resize', AgentMethod.resize, TaskState.resizePrep),
    newFlavorId: flavor.id,
  });
  return accepted(call);
}

async function migrate(call: ActionCall) {
  const mv = call.req.microversion;
  const body = bodyObject(call, 'migrate');
  onlyKeys('migrate', body, mv.atLeast('2.56') ? ['host'] : []);
  if (body.host !== undefined && body.host !== null && (typeof body.host !== 'string' || body.host === ''))
    throw badRequest('Invalid input for field/attribute host.');
  await call.deps.conductor.resize({
    ...actRequest(call, 'migrate', AgentMethod.resize, TaskState.resizePrep),
    ...(typeof body.host === 'string' && { targetHost: body.host }),
  });
  return accepted(call);
}

async function liveMigrate(call: ActionCall) {
  const mv = call.req.microversion;
  const body = bodyObject(call, 'os-migrateLive');
  const allowed = ['host', 'block_migration'];
  if (mv.atMost('2.24')) allowed.push('disk_over_commit');
  if (mv.atLeast('2.30') && mv.atMost('2.67')) allowed.push('force');
  onlyKeys('os-migrateLive', body, allowed);
  if (!('host' in body) || !('block_migration' in body))
    throw badRequest(
      "Invalid input for field/attribute os-migrateLive. 'host' and 'block_migration' are required properties",
    );
  const block = body.block_migration === 'auto' && mv.atLeast('2.25') ? 'auto' : asBool(body.block_migration);
  await call.deps.conductor.liveMigrate({
    ...actRequest(call, 'live-migration', AgentMethod.liveMigrate, TaskState.migrating),
    ...(typeof body.host === 'string' && body.host !== '' && { targetHost: body.host }),
    blockMigration: block,
  });
  return accepted(call);
}

export const resizeActions: Record<string, ActionSpec> = {
  resize: { policy: 'os_compute_api:servers:resize', lock: true, state: 'resize', handle: resize },
  confirmResize: {
    policy: 'os_compute_api:servers:confirm_resize',
    lock: true,
    state: 'confirmResize',
    handle: async (call) => {
      if (call.body !== null && call.body !== undefined && typeof call.body !== 'object')
        throw badRequest('Invalid input for field/attribute confirmResize.');
      await call.deps.conductor.act(
        actRequest(call, 'confirmResize', AgentMethod.confirmResize, TaskState.resizeConfirming),
      );
      return call.reply.code(204).send();
    },
  },
  revertResize: castAction(
    'os_compute_api:servers:revert_resize',
    'revertResize',
    'revertResize',
    AgentMethod.revertResize,
    TaskState.resizeReverting,
  ),
  migrate: { policy: 'os_compute_api:os-migrate-server:migrate', lock: true, state: 'migrate', handle: migrate },
  'os-migrateLive': {
    policy: 'os_compute_api:os-migrate-server:migrate_live',
    lock: true,
    state: 'os-migrateLive',
    handle: liveMigrate,
  },
};
