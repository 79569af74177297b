import { type Static, Type } from '@sinclair/typebox';
import { BadRequest } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';
import { refuseIfProtected } from '../metadef-access.ts';
import { requireNamespace, validateMetadefBody } from '../metadef-namespaces.ts';
import { metadefViolation, TAG_SCHEMA, TAGS_BODY_SCHEMA } from '../metadef-schema.ts';
import { tagView } from '../metadef-view.ts';
import {
  childNotFound,
  createChild,
  deleteChild,
  getChild,
  listChildren,
  putTags,
  replaceChild,
} from '../store/metadefs-children.ts';

const NsParam = Type.Object({ namespace: Type.String() });
type NsParam = Static<typeof NsParam>;
const TagParam = Type.Object({ namespace: Type.String(), tag_name: Type.String() });
type TagParam = Static<typeof TagParam>;
type Query = Record<string, string>;

const READ_ONLY = ['created_at', 'updated_at'];
const TAGS = 'metadef_tags';

/** oslo's bool_from_string, which Glance applies to X-Openstack-Append. */
const truthy = (v: string | string[] | undefined): boolean =>
  typeof v === 'string' && ['1', 't', 'true', 'on', 'y', 'yes'].includes(v.trim().toLowerCase());

/** /v2/metadefs/namespaces/{namespace}/tags: plain names, created one by one or as a set. */
export function metadefTagsRoutes(app: ServiceApp, deps: ImageDeps): void {
  const { db } = deps;
  const path = '/v2/metadefs/namespaces/:namespace/tags';

  app.get<{ Params: NsParam; Querystring: Query }>(path, { schema: { params: NsParam } }, async (req) => {
    const { sort_dir: sortDir = 'desc', limit, marker } = req.query;
    if (sortDir !== 'asc' && sortDir !== 'desc') throw new BadRequest(`Invalid sort direction: ${sortDir}`);
    if (limit !== undefined && !/^\d+$/.test(limit)) throw new BadRequest('limit param must be a positive integer');
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_tags');
    let rows = await listChildren(db, TAGS, ns, sortDir);
    if (marker) {
      const at = rows.findIndex((r) => r.name === marker);
      if (at < 0) throw childNotFound(TAGS, ns, marker);
      rows = rows.slice(at + 1);
    }
    if (limit) rows = rows.slice(0, Number(limit));
    return { tags: rows.map((r) => ({ name: r.name })) };
  });

  app.post<{ Params: NsParam }>(path, { schema: { params: NsParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'add_metadef_tags');
    const body = validateMetadefBody(req.body, TAGS_BODY_SCHEMA, READ_ONLY);
    const names = ((body.tags ?? []) as { name: string }[]).map((t) => t.name);
    for (const name of names) {
      const err = metadefViolation(TAG_SCHEMA, { name });
      if (err) throw new BadRequest(err);
    }
    const rows = await putTags(db, ns, names, truthy(req.headers['x-openstack-append']));
    return reply.code(201).send({ tags: rows.map((r) => ({ name: r.name })) });
  });

  app.post<{ Params: TagParam }>(`${path}/:tag_name`, { schema: { params: TagParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'add_metadef_tag');
    const err = metadefViolation(TAG_SCHEMA, { name: req.params.tag_name });
    if (err) throw new BadRequest(`Provided object does not match schema 'tag': ${err}`);
    const row = await createChild(db, TAGS, ns, { name: req.params.tag_name, body: {} });
    return reply.code(201).send(tagView(row));
  });

  app.get<{ Params: TagParam }>(`${path}/:tag_name`, { schema: { params: TagParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'get_metadef_tag');
    return tagView(await getChild(db, TAGS, ns, req.params.tag_name));
  });

  app.put<{ Params: TagParam }>(`${path}/:tag_name`, { schema: { params: TagParam } }, async (req) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'modify_metadef_tag');
    const body = validateMetadefBody(req.body, TAG_SCHEMA, READ_ONLY);
    const row = await replaceChild(db, TAGS, ns, req.params.tag_name, { name: body.name as string, body: {} });
    return tagView(row);
  });

  app.delete<{ Params: TagParam }>(`${path}/:tag_name`, { schema: { params: TagParam } }, async (req, reply) => {
    const ns = await requireNamespace(db, req.ctx, req.params.namespace, 'delete_metadef_tag');
    await getChild(db, TAGS, ns, req.params.tag_name);
    refuseIfProtected(ns, `Tag ${req.params.tag_name}`);
    await deleteChild(db, TAGS, ns, req.params.tag_name);
    return reply.code(204).send();
  });
}
