import { type Static, Type } from '@sinclair/typebox';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { namespaceTarget, refuseIfProtected } from '../metadef-access.ts';
import { requireNamespace, validateMetadefBody } from '../metadef-namespaces.ts';
import { RESOURCE_TYPE_SCHEMA } from '../metadef-schema.ts';
import { associationView } from '../metadef-view.ts';
import {
  createAssociation,
  deleteAssociation,
  findAssociation,
  listAssociations,
  listResourceTypes,
} from '../store/metadefs-resource-types.ts';

const NsParam = Type.Object({ namespace: Type.String() });
type NsParam = Static<typeof NsParam>;
const AssocParam = Type.Object({ namespace: Type.String(), resource_type: Type.String() });
type AssocParam = Static<typeof AssocParam>;

/** /v2/metadefs/resource_types and each namespace's associations with them. */
export function metadefResourceTypesRoutes(app: ServiceApp, deps: ImageDeps): void {
  const { db } = deps;
  const path = '/v2/metadefs/namespaces/:namespace/resource_types';

  app.get('/v2/metadefs/resource_types', async (req) => {
    req.ctx.enforce('list_metadef_resource_types', { project_id: req.ctx.requireAuth().projectId });
    const rows = await listResourceTypes(db);
    return {
      resource_types: rows.map((r) => ({ name: r.name, created_at: r.created_at, updated_at: r.updated_at })),
    };
  });

  app.get<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'list_metadef_resource_types');
    const visible = req.ctx.allowed('get_metadef_resource_type', namespaceTarget(ns));
    const rows = visible ? await listAssociations(db, [ns.id]) : [];
    return { resource_type_associations: rows.map(associationView) };
  });

  app.post<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'add_metadef_resource_type_association');
    const body = validateMetadefBody(req.body, RESOURCE_TYPE_SCHEMA, ['created_at', 'updated_at']);
    const row = await createAssociation(db, ns, {
      name: body.name as string,
      prefix: (body.prefix as string | undefined) ?? null,
      properties_target: (body.properties_target as string | undefined) ?? null,
    });
    return reply.code(201).send(associationView(row));
  });

  app.delete<{ Params: AssocParam }>(
    `${path}/:resource_type`,
    { schema: { params: AssocParam } },
    async (req, reply) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'remove_metadef_resource_type_association');
      if (await findAssociation(db, ns, req.params.resource_type)) {
        refuseIfProtected(ns, `Resource type association ${req.params.resource_type}`);
      }
      await deleteAssociation(db, ns, req.params.resource_type);
      return reply.code(204).send();
    },
  );
}
