import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import { validateBody } from '../body.ts';
import { type PlacementDeps, PREFIX } from '../deps.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import { requireVersion } from '../microversion.ts';
import {
  assertCustomName,
  createResourceClass,
  deleteResourceClass,
  isStandardClass,
  listResourceClasses,
  renameResourceClass,
  resourceClassExists,
} from '../store/resource-classes.ts';

interface NameParams {
  name: string;
}

const NameBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });

const view = (name: string) => ({ name, links: [{ rel: 'self', href: `${PREFIX}/resource_classes/${name}` }] });

/** /resource_classes: the standard classes plus CUSTOM_* ones (1.2; 1.7 PUT creates idempotently). */
export function resourceClassRoutes(app: ServiceApp, deps: PlacementDeps): void {
  app.get('/resource_classes', async (req) => {
    requireVersion(req, '1.2');
    req.ctx.enforce('placement:resource_classes:list');
    return { resource_classes: (await listResourceClasses(deps.db)).map(view) };
  });

  app.post('/resource_classes', async (req, reply) => {
    requireVersion(req, '1.2');
    req.ctx.enforce('placement:resource_classes:create');
    const { name } = validateBody<Static<typeof NameBody>>(NameBody, req.body);
    assertCustomName(name);
    if (!(await createResourceClass(deps.db, name)))
      throw conflict(`Conflicting resource class already exists: ${name}`, 'placement.duplicate_name');
    reply.header('location', `${PREFIX}/resource_classes/${name}`);
    return reply.code(201).send();
  });

  app.get<{ Params: NameParams }>('/resource_classes/:name', async (req) => {
    requireVersion(req, '1.2');
    req.ctx.enforce('placement:resource_classes:show');
    if (!(await resourceClassExists(deps.db, req.params.name)))
      throw notFound(`No such resource class ${req.params.name}.`);
    return view(req.params.name);
  });

  app.put<{ Params: NameParams }>('/resource_classes/:name', async (req, reply) => {
    requireVersion(req, '1.2');
    req.ctx.enforce('placement:resource_classes:update');
    const { name } = req.params;
    if (!req.placementVersion.atLeast('1.7')) {
      const body = validateBody<Static<typeof NameBody>>(NameBody, req.body);
      assertCustomName(body.name);
      await renameResourceClass(deps.db, name, body.name);
      return view(body.name);
    }
    if (isStandardClass(name)) throw badRequest(`Cannot update standard resource class ${name}`);
    assertCustomName(name);
    const created = await createResourceClass(deps.db, name);
    reply.header('location', `${PREFIX}/resource_classes/${name}`);
    return reply.code(created ? 201 : 204).send();
  });

  app.delete<{ Params: NameParams }>('/resource_classes/:name', async (req, reply) => {
    requireVersion(req, '1.2');
    req.ctx.enforce('placement:resource_classes:delete');
    await deleteResourceClass(deps.db, req.params.name);
    return reply.code(204).send();
  });
}
