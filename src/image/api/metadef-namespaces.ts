import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { metadefCaller, refuseIfProtected } from '../metadef-access.ts';
import {
  listNamespaces,
  NAMESPACE_READ_ONLY,
  namespaceChildren,
  namespaceDetail,
  namespaceFields,
  requireNamespace,
  validateMetadefBody,
} from '../metadef-namespaces.ts';
import { NAMESPACE_SCHEMA } from '../metadef-schema.ts';
import { namespaceHref, namespaceView } from '../metadef-view.ts';
import { deleteAllChildren } from '../store/metadefs-children.ts';
import { createNamespace, deleteNamespace, replaceNamespace } from '../store/metadefs-namespaces.ts';

const NsParam = Type.Object({ namespace: Type.String() });
type NsParam = Static<typeof NsParam>;
type Query = Record<string, string>;

/** /v2/metadefs/namespaces and the namespace-wide deletes of its objects, properties and tags. */
export function metadefNamespacesRoutes(app: ServiceApp, deps: ImageDeps): void {
  const { db } = deps;

  app.get<{ Querystring: Query }>('/v2/metadefs/namespaces', async (req) => {
    const own = { project_id: req.ctx.requireAuth().projectId };
    req.ctx.enforce('get_metadef_namespaces', own);
    req.ctx.enforce('list_metadef_resource_types', own);
    return listNamespaces(deps, req.ctx, req.query);
  });

  app.post('/v2/metadefs/namespaces', async (req, reply) => {
    const body = validateMetadefBody(req.body, NAMESPACE_SCHEMA, NAMESPACE_READ_ONLY);
    const caller = metadefCaller(req.ctx);
    const own = { project_id: caller.projectId };
    req.ctx.enforce('add_metadef_namespace', own);
    const children = namespaceChildren(body);
    if (children.associations.length > 0) req.ctx.enforce('add_metadef_resource_type_association', own);
    if (children.objects.length > 0) req.ctx.enforce('add_metadef_object', own);
    if (children.properties.length > 0) req.ctx.enforce('add_metadef_property', own);
    if (children.tags.length > 0) req.ctx.enforce('add_metadef_tag', own);
    const ns = await createNamespace(db, namespaceFields(body, caller), children);
    return reply
      .code(201)
      .header('location', namespaceHref(ns.namespace))
      .send(await namespaceDetail(db, ns));
  });

  app.get<{ Params: NsParam; Querystring: Query }>(
    '/v2/metadefs/namespaces/:namespace',
    { schema: { params: NsParam } },
    async (req) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_namespace');
      for (const rule of ['list_metadef_resource_types', 'get_metadef_objects', 'get_metadef_properties']) {
        req.ctx.enforce(rule, { project_id: ns.owner, visibility: ns.visibility });
      }
      req.ctx.enforce('get_metadef_tags', { project_id: ns.owner, visibility: ns.visibility });
      return namespaceDetail(db, ns, req.query.resource_type || undefined);
    },
  );

  app.put<{ Params: NsParam }>('/v2/metadefs/namespaces/:namespace', { schema: { params: NsParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'modify_metadef_namespace');
    const body = validateMetadefBody(req.body, NAMESPACE_SCHEMA, NAMESPACE_READ_ONLY);
    const updated = await replaceNamespace(db, ns, namespaceFields(body, metadefCaller(req.ctx)));
    return namespaceView(updated);
  });

  app.delete<{ Params: NsParam }>(
    '/v2/metadefs/namespaces/:namespace',
    { schema: { params: NsParam } },
    async (req, reply) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'delete_metadef_namespace');
      refuseIfProtected(ns, 'Namespace');
      await deleteNamespace(db, ns);
      return reply.code(204).send();
    },
  );

  // Glance checks the namespace's delete rule (plus delete_metadef_tags for tags) and its protection.
  const children = [
    ['objects', 'metadef_objects', 'Objects'],
    ['properties', 'metadef_properties', 'Properties'],
    ['tags', 'metadef_tags', 'Tags'],
  ] as const;
  for (const [path, table, what] of children) {
    app.delete<{ Params: NsParam }>(
      `/v2/metadefs/namespaces/:namespace/${path}`,
      { schema: { params: NsParam } },
      async (req, reply) => {
        const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'delete_metadef_namespace');
        if (table === 'metadef_tags') req.ctx.enforce('delete_metadef_tags', { project_id: ns.owner });
        refuseIfProtected(ns, what);
        await deleteAllChildren(db, table, ns);
        return reply.code(204).send();
      },
    );
  }
}
