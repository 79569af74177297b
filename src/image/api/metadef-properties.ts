import { type Static, Type } from '@sinclair/typebox';
import { NotFound } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { namespaceTarget, refuseIfProtected } from '../metadef-access.ts';
import { requireNamespace, validateMetadefBody } from '../metadef-namespaces.ts';
import { PROPERTY_SCHEMA } from '../metadef-schema.ts';
import { propertiesMap, propertyBody, propertyView } from '../metadef-view.ts';
import { createChild, deleteChild, getChild, listChildren, replaceChild } from '../store/metadefs-children.ts';
import { findAssociation } from '../store/metadefs-resource-types.ts';

const NsParam = Type.Object({ namespace: Type.String() });
type NsParam = Static<typeof NsParam>;
const PropertyParam = Type.Object({ namespace: Type.String(), property_name: Type.String() });
type PropertyParam = Static<typeof PropertyParam>;

const READ_ONLY = ['created_at', 'updated_at'];
const PROPERTIES = 'metadef_properties';

function propertyInput(raw: unknown) {
  const body = validateMetadefBody(raw, PROPERTY_SCHEMA, READ_ONLY);
  return { name: body.name as string, body: propertyBody(body) };
}

/** /v2/metadefs/namespaces/{namespace}/properties: property definitions, each a small JSON schema. */
export function metadefPropertiesRoutes(app: ServiceApp, deps: ImageDeps): void {
  const { db } = deps;
  const path = '/v2/metadefs/namespaces/:namespace/properties';

  app.get<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_properties');
    return { properties: propertiesMap(await listChildren(db, PROPERTIES, ns, 'asc')) };
  });

  app.post<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'add_metadef_property');
    const row = await createChild(db, PROPERTIES, ns, propertyInput(req.body));
    return reply.code(201).send(propertyView(row, true));
  });

  // With ?resource_type=X the name carries that association's prefix, which Glance strips before the lookup.
  app.get<{ Params: PropertyParam; Querystring: { resource_type?: string } }>(
    `${path}/:property_name`,
    { schema: { params: PropertyParam } },
    async (req) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_property');
      let name = req.params.property_name;
      const resourceType = req.query.resource_type;
      if (resourceType) {
        req.ctx.enforce('get_metadef_resource_type', namespaceTarget(ns));
        const association = await findAssociation(db, ns, resourceType);
        if (!association) throw new NotFound(`Resource type ${resourceType} is not associated with ${ns.namespace}.`);
        const prefix = association.prefix;
        if (!prefix || !name.startsWith(prefix)) {
          throw new NotFound(
            `Property ${name} does not start with the expected resource type association prefix of '${prefix}'.`,
          );
        }
        name = name.slice(prefix.length);
      }
      return propertyView(await getChild(db, PROPERTIES, ns, name), true);
    },
  );

  app.put<{ Params: PropertyParam }>(`${path}/:property_name`, { schema: { params: PropertyParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'modify_metadef_property');
    const row = await replaceChild(db, PROPERTIES, ns, req.params.property_name, propertyInput(req.body));
    return propertyView(row, true);
  });

  app.delete<{ Params: PropertyParam }>(
    `${path}/:property_name`,
    { schema: { params: PropertyParam } },
    async (req, reply) => {
      const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'remove_metadef_property');
      await getChild(db, PROPERTIES, ns, req.params.property_name);
      refuseIfProtected(ns, `Property ${req.params.property_name}`);
      await deleteChild(db, PROPERTIES, ns, req.params.property_name);
      return reply.code(204).send();
    },
  );
}
