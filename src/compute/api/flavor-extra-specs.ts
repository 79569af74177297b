import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ComputeDeps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { validateExtraSpecs } from '../extra-spec-validation.ts';
import { deleteExtraSpec, extraSpecsOf, findFlavor, setExtraSpecs } from '../flavor-store.ts';
import { callerOf } from '../request-caller.ts';
import { enforceNova } from '../server-access.ts';

const KEY_PATTERN = '^[a-zA-Z0-9-_:. ]{1,255}$';
const SpecValue = Type.Union([Type.String({ maxLength: 255 }), Type.Number(), Type.Boolean()]);
const SpecMap = (extra: Record<string, unknown> = {}) =>
  Type.Object({}, { patternProperties: { [KEY_PATTERN]: SpecValue }, additionalProperties: false, ...extra });

const ExtraSpecsCreate = Type.Object({ extra_specs: SpecMap() }, { additionalProperties: false });
type ExtraSpecsCreate = Static<typeof ExtraSpecsCreate>;
const ExtraSpecUpdate = SpecMap({ minProperties: 1, maxProperties: 1 });

type FlavorParams = { flavor_id: string };
type KeyParams = { flavor_id: string; key: string };

/** Nova stores every extra spec value as text: `2`, `true` become '2', 'True' as Python's str() would. */
const asText = (v: string | number | boolean): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));
const normalize = (specs: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, asText(v as string | number | boolean)]));

const noSuchKey = (flavorId: string, key: string) => notFound(`Flavor ${flavorId} has no extra specs with key ${key}.`);

/**
 * /flavors/{id}/os-extra_specs: read for project readers, written by admins; from 2.86 keys in Nova's namespaces
 * are validated (extra-spec-validation.ts).
 */
export function flavorExtraSpecsRoutes(app: ServiceApp, deps: ComputeDeps): void {
  const target = (req: Parameters<typeof callerOf>[0]) => ({ project_id: req.ctx.requireAuth().projectId });

  app.get<{ Params: FlavorParams }>('/v2.1/flavors/:flavor_id/os-extra_specs', async (req) => {
    enforceNova(req, 'os_compute_api:os-flavor-extra-specs:index', target(req));
    const row = await findFlavor(deps.db, req.params.flavor_id, callerOf(req));
    return { extra_specs: (await extraSpecsOf(deps.db, [row.internal_id])).get(row.internal_id) ?? {} };
  });

  app.post<{ Params: FlavorParams; Body: ExtraSpecsCreate }>(
    '/v2.1/flavors/:flavor_id/os-extra_specs',
    { schema: { body: ExtraSpecsCreate } },
    async (req) => {
      enforceNova(req, 'os_compute_api:os-flavor-extra-specs:create', target(req));
      const row = await findFlavor(deps.db, req.params.flavor_id);
      const specs = normalize(req.body.extra_specs);
      if (req.microversion.atLeast('2.86')) validateExtraSpecs(specs);
      await setExtraSpecs(deps.db, row.internal_id, specs);
      return { extra_specs: specs };
    },
  );

  app.get<{ Params: KeyParams }>('/v2.1/flavors/:flavor_id/os-extra_specs/:key', async (req) => {
    enforceNova(req, 'os_compute_api:os-flavor-extra-specs:show', target(req));
    const row = await findFlavor(deps.db, req.params.flavor_id, callerOf(req));
    const specs = (await extraSpecsOf(deps.db, [row.internal_id])).get(row.internal_id) ?? {};
    if (!(req.params.key in specs)) throw noSuchKey(row.id, req.params.key);
    return { [req.params.key]: specs[req.params.key] };
  });

  app.put<{ Params: KeyParams; Body: Record<string, unknown> }>(
    '/v2.1/flavors/:flavor_id/os-extra_specs/:key',
    { schema: { body: ExtraSpecUpdate } },
    async (req) => {
      enforceNova(req, 'os_compute_api:os-flavor-extra-specs:update', target(req));
      const row = await findFlavor(deps.db, req.params.flavor_id);
      const keys = Object.keys(req.body);
      if (keys.length > 1) throw badRequest('Request body contains too many items');
      if (keys[0] !== req.params.key) throw badRequest('Request body and URI mismatch');
      const specs = normalize(req.body);
      if (req.microversion.atLeast('2.86')) validateExtraSpecs(specs);
      await setExtraSpecs(deps.db, row.internal_id, specs);
      return specs;
    },
  );

  app.delete<{ Params: KeyParams }>('/v2.1/flavors/:flavor_id/os-extra_specs/:key', async (req, reply) => {
    enforceNova(req, 'os_compute_api:os-flavor-extra-specs:delete', target(req));
    const row = await findFlavor(deps.db, req.params.flavor_id);
    if (!(await deleteExtraSpec(deps.db, row.internal_id, req.params.key))) throw noSuchKey(row.id, req.params.key);
    return reply.code(200).send();
  });
}
