import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { Generation, MAX_INT, ResourceClassName, validateBody } from '../body.ts';
import { type PlacementDeps, PREFIX } from '../deps.ts';
import { PlacementError } from '../errors.ts';
import {
  deleteInventories,
  type InventoryInput,
  inventoriesOf,
  inventoryView,
  notFoundInventory,
  replaceInventories,
  withDefaults,
  writeOneInventory,
} from '../store/inventories.ts';
import { getProvider } from '../store/providers.ts';

interface UuidParams {
  uuid: string;
}
interface ClassParams extends UuidParams {
  resource_class: string;
}

const fields = {
  total: Type.Integer({ minimum: 1, maximum: MAX_INT }),
  reserved: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_INT })),
  min_unit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  max_unit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  step_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT })),
  allocation_ratio: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3.40282e38 })),
};
export const InventoryBody = Type.Object(fields, { additionalProperties: false });
const PutAll = Type.Object(
  {
    resource_provider_generation: Generation(),
    inventories: Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), InventoryBody),
  },
  { additionalProperties: false },
);
const PostOne = Type.Object({ resource_class: ResourceClassName(), ...fields }, { additionalProperties: false });
const PutOne = Type.Object({ resource_provider_generation: Generation(), ...fields }, { additionalProperties: false });

/** /resource_providers/{uuid}/inventories: one row per resource class; every write bumps the generation. */
export function inventoryRoutes(app: ServiceApp, deps: PlacementDeps): void {
  const base = '/resource_providers/:uuid/inventories';
  const all = async (uuid: string) => {
    const rp = await getProvider(deps.db, uuid);
    const rows = await inventoriesOf(deps.db, uuid);
    return {
      inventories: Object.fromEntries(rows.map((r) => [r.resource_class, inventoryView(r)])),
      resource_provider_generation: rp.generation,
    };
  };

  app.get<{ Params: UuidParams }>(base, async (req) => {
    req.ctx.enforce('placement:resource_providers:inventories:list');
    return all(req.params.uuid);
  });

  app.put<{ Params: UuidParams }>(base, async (req) => {
    req.ctx.enforce('placement:resource_providers:inventories:update');
    const body = validateBody<Static<typeof PutAll>>(PutAll, req.body);
    const equalOk = req.placementVersion.atLeast('1.26');
    const rows = Object.entries(body.inventories).map(([rc, inv]) => withDefaults(req.params.uuid, rc, inv, equalOk));
    await replaceInventories(deps.db, req.params.uuid, body.resource_provider_generation, rows);
    return all(req.params.uuid);
  });

  app.post<{ Params: UuidParams }>(base, async (req, reply) => {
    req.ctx.enforce('placement:resource_providers:inventories:create');
    const body = validateBody<Static<typeof PostOne>>(PostOne, req.body);
    const { resource_class, ...inv } = body;
    const rp = await getProvider(deps.db, req.params.uuid);
    const row = withDefaults(rp.uuid, resource_class, inv, req.placementVersion.atLeast('1.26'));
    const generation = await writeOneInventory(deps.db, row, rp.generation, 'create');
    reply.header('location', `${PREFIX}/resource_providers/${rp.uuid}/inventories/${resource_class}`);
    return reply.code(201).send({ ...inventoryView(row), resource_provider_generation: generation });
  });

  app.delete<{ Params: UuidParams }>(base, async (req, reply) => {
    // Placement answers 405 here before 1.5 (the path exists for GET and PUT).
    if (!req.placementVersion.atLeast('1.5')) throw new PlacementError(405, 'Method Not Allowed');
    req.ctx.enforce('placement:resource_providers:inventories:delete');
    await deleteInventories(deps.db, req.params.uuid);
    return reply.code(204).send();
  });

  app.get<{ Params: ClassParams }>(`${base}/:resource_class`, async (req) => {
    req.ctx.enforce('placement:resource_providers:inventories:show');
    const rp = await getProvider(deps.db, req.params.uuid);
    const row = (await inventoriesOf(deps.db, rp.uuid)).find((r) => r.resource_class === req.params.resource_class);
    if (!row) throw notFoundInventory(rp.uuid, req.params.resource_class);
    return { ...inventoryView(row), resource_provider_generation: rp.generation };
  });

  app.put<{ Params: ClassParams }>(`${base}/:resource_class`, async (req) => {
    req.ctx.enforce('placement:resource_providers:inventories:update');
    const body = validateBody<Static<typeof PutOne>>(PutOne, req.body);
    const { resource_provider_generation, ...inv } = body;
    const row = withDefaults(
      req.params.uuid,
      req.params.resource_class,
      inv as InventoryInput,
      req.placementVersion.atLeast('1.26'),
    );
    const generation = await writeOneInventory(deps.db, row, resource_provider_generation, 'update');
    return { ...inventoryView(row), resource_provider_generation: generation };
  });

  app.delete<{ Params: ClassParams }>(`${base}/:resource_class`, async (req, reply) => {
    req.ctx.enforce('placement:resource_providers:inventories:delete');
    await deleteInventories(deps.db, req.params.uuid, req.params.resource_class);
    return reply.code(204).send();
  });
}
