import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { refuseIfProtected } from '../metadef-access.ts';
import { checkProperties, requireNamespace, validateMetadefBody } from '../metadef-namespaces.ts';
import { OBJECT_SCHEMA } from '../metadef-schema.ts';
import { objectBody, objectView } from '../metadef-view.ts';
import { createChild, deleteChild, getChild, listChildren, replaceChild } from '../store/metadefs-children.ts';

const NsParam = Type.Object({ namespace: Type.String() });
type NsParam = Static<typeof NsParam>;
const ObjectParam = Type.Object({ namespace: Type.String(), object_name: Type.String() });
type ObjectParam = Static<typeof ObjectParam>;
type Query = Record<string, string>;

const READ_ONLY = ['self', 'schema', 'created_at', 'updated_at'];
const OBJECTS = 'metadef_objects';

function objectInput(raw: unknown) {
  const body = validateMetadefBody(raw, OBJECT_SCHEMA, READ_ONLY);
  checkProperties(body.properties);
  return { name: body.name as string, body: objectBody(body) };
}

/** /v2/metadefs/namespaces/{namespace}/objects: named groups of property definitions. */
export function metadefObjectsRoutes(app: ServiceApp, deps: ImageDeps): void {
  const { db } = deps;
  const path = '/v2/metadefs/namespaces/:namespace/objects';

  app.get<{ Params: NsParam; Querystring: Query }>(path, { schema: { params: NsParam } }, async (req) => {
    const sortDir = req.query.sort_dir ?? 'desc';
    if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid sort direction: ${sortDir}`);
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_objects');
    const rows = await listChildren(db, OBJECTS, ns, sortDir);
    // Glance's list schema link has no leading slash; clients only follow it as given.
    return { objects: rows.map((r) => objectView(ns.namespace, r)), schema: 'v2/schemas/metadefs/objects' };
  });

  app.post<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'add_metadef_object');
    const row = await createChild(db, OBJECTS, ns, objectInput(req.body));
    return reply.code(201).send(objectView(ns.namespace, row));
  });

  app.get<{ Params: ObjectParam }>(`${path}/:object_name`, { schema: { params: ObjectParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_object');
    return objectView(ns.namespace, await getChild(db, OBJECTS, ns, req.params.object_name));
  });

  app.put<{ Params: ObjectParam }>(`${path}/:object_name`, { schema: { params: ObjectParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'modify_metadef_object');
    const row = await replaceChild(db, OBJECTS, ns, req.params.object_name, objectInput(req.body));
    return objectView(ns.namespace, row);
  });

  app.delete<{ Params: ObjectParam }>(
    `${path}/:object_name`,
    { schema: { params: ObjectParam } },
    async (req, reply) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'delete_metadef_object');
      await getChild(db, OBJECTS, ns, req.params.object_name);
      refuseIfProtected(ns, `Object ${req.params.object_name}`);
      await deleteChild(db, OBJECTS, ns, req.params.object_name);
      return reply.code(204).send();
    },
  );
}
