import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import type { ComputeDeps } from './deps.ts';
import { badRequest } from './errors.ts';
import { updateInstance, visibleInstanceOr404 } from './instance-store.ts';
import type { Microversion } from './microversion.ts';
import { enforceNova, instanceTarget, serverCallerOf } from './server-access.ts';
import { canonicalIpv6 } from './server-create-input.ts';
import { assertValid } from './server-create-schema.ts';
import type { InstanceRow } from './tables.ts';

const checks = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();

function updateCheck(mv: Microversion) {
  const key = mv.atLeast('2.90') ? '2.90' : mv.atLeast('2.19') ? '2.19' : '2.1';
  const cached = checks.get(key);
  if (cached) return cached;
  const props = {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    accessIPv4: Type.Optional(Type.String({ format: 'ipv4' })),
    accessIPv6: Type.Optional(Type.String({ format: 'ipv6' })),
    'OS-DCF:diskConfig': Type.Optional(Type.Union([Type.Literal('AUTO'), Type.Literal('MANUAL')])),
    ...(mv.atLeast('2.19') && {
      description: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    }),
    ...(mv.atLeast('2.90') && {
      hostname: Type.Optional(
        Type.String({ minLength: 2, maxLength: 255, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-._]*[a-zA-Z0-9]+$' }),
      ),
    }),
  };
  const check = TypeCompiler.Compile(
    Type.Object({ server: Type.Object(props, { additionalProperties: false }) }, { additionalProperties: false }),
  );
  checks.set(key, check);
  return check;
}

/** PUT /servers/{id}: name, accessIPv4/6, diskConfig, description (2.19), hostname (2.90). */
export async function updateServer(req: FastifyRequest, deps: ComputeDeps, uuid: string): Promise<InstanceRow> {
  const caller = serverCallerOf(req);
  assertValid(updateCheck(req.microversion), req.body);
  const s = (req.body as { server: Record<string, string | null | undefined> }).server;
  const row = await visibleInstanceOr404(deps.db, caller, uuid);
  enforceNova(req, 'os_compute_api:servers:update', instanceTarget(row));
  const changes: Partial<InstanceRow> = {};
  if (s.name !== undefined) {
    const name = s.name as string;
    if (name.trim() !== name || name.trim() === '')
      throw badRequest(
        `Invalid input for field/attribute name. Value: ${name}. '${name}' does not match the name pattern`,
      );
    changes.display_name = name;
  }
  if (s.accessIPv4 !== undefined) changes.access_ip_v4 = s.accessIPv4;
  if (s.accessIPv6 !== undefined) changes.access_ip_v6 = canonicalIpv6(s.accessIPv6 as string);
  if (s['OS-DCF:diskConfig'] !== undefined) changes.disk_config = s['OS-DCF:diskConfig'] as string;
  if ('description' in s) changes.display_description = s.description ?? null;
  if (s.hostname !== undefined) changes.hostname = s.hostname as string;
  await updateInstance(deps.db, uuid, changes);
  return visibleInstanceOr404(deps.db, caller, uuid);
}
