import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import { callerOf, enforce } from '../access.ts';
import type { NetworkDeps } from '../deps.ts';
import { isoNow } from '../standard-attrs.ts';
import { setTags, tagsOf } from '../store/tags.ts';
import type { NetworkDb } from '../tables.ts';
import { isInstalled, TAGGABLE, type Taggable, type TaggedRow } from '../taggable.ts';

interface Params {
  resource_id: string;
  tag?: string;
}

/** Neutron's limits on tags (standard-attr-tag): each a string of at most 255 characters, 50 per resource. */
const MAX_TAG_LEN = 255;
const MAX_TAGS = 50;

/**
 * /v2.0/<collection>/<id>/tags[/<tag>] for every taggable resource: list, replace all, remove all, and
 * check, add or remove one. Every change bumps the resource's revision_number and updated_at.
 */
export function tagsRoutes(app: ServiceApp, deps: NetworkDeps): void {
  for (const t of TAGGABLE) {
    const base = `/v2.0/${t.collection}/:resource_id/tags`;

    app.get<{ Params: Params }>(base, async (req) => {
      const row = await readable(req, deps, deps.db, t);
      return { tags: await currentTags(deps.db, t, row.id) };
    });

    app.get<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
      const tag = validTag(req.params.tag);
      const row = await readable(req, deps, deps.db, t);
      if (!(await currentTags(deps.db, t, row.id)).includes(tag)) throw tagNotFound(tag);
      return reply.code(204).send();
    });

    app.put<{ Params: Params }>(base, async (req) => {
      const tags = validTags(req.body);
      await change(req, deps, t, 'update', () => tags);
      return { tags };
    });

    // Tempest expects 201 and an empty body.
    app.put<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
      const tag = validTag(req.params.tag);
      await change(req, deps, t, 'update', (old) => (old.includes(tag) ? old : [...old, tag]));
      return reply.code(201).send();
    });

    app.delete<{ Params: Params }>(base, async (req, reply) => {
      await change(req, deps, t, 'delete', () => []);
      return reply.code(204).send();
    });

    app.delete<{ Params: Params }>(`${base}/:tag`, async (req, reply) => {
      const tag = validTag(req.params.tag);
      await change(req, deps, t, 'delete', (old) => {
        if (!old.includes(tag)) throw tagNotFound(tag);
        return old.filter((x) => x !== tag);
      });
      return reply.code(204).send();
    });
  }
}

/** Applies `next` to the resource's tags in one transaction; bumps the revision when the set changed. */
async function change(
  req: FastifyRequest<{ Params: Params }>,
  deps: NetworkDeps,
  t: Taggable,
  action: 'update' | 'delete',
  next: (old: string[]) => string[],
): Promise<void> {
  const event = await deps.db.transaction().execute(async (trx) => {
    const row = await readable(req, deps, trx, t);
    enforce(req, `${action}_${t.member}:tags`, targetOf(row));
    const old = await currentTags(trx, t, row.id);
    const tags = [...new Set(next(old))];
    if (tags.length > MAX_TAGS)
      throw new ApiError(400, 'BadRequest', `The number of tags exceed the per-resource limit of ${MAX_TAGS}`);
    const same = tags.length === old.length && tags.every((x) => old.includes(x));
    if (same) return undefined;
    await setTags(trx, t.member, row.id, tags);
    await (trx as unknown as Kysely<Record<string, { id: string; revision_number: number; updated_at: string }>>)
      .updateTable(t.table)
      .set((eb) => ({ revision_number: eb('revision_number', '+', 1), updated_at: isoNow() }))
      .where('id', '=', row.id)
      .execute();
    return { parent_resource: t.collection, parent_resource_id: row.id, tags };
  });
  if (event) await deps.bus.notify({ event_type: `tag.${action}.end`, publisher_id: 'network', payload: event });
}

async function readable(
  req: FastifyRequest<{ Params: Params }>,
  deps: NetworkDeps,
  db: NetworkDb,
  t: Taggable,
): Promise<TaggedRow> {
  const id = req.params.resource_id;
  const row = (await isInstalled(db, deps, t)) ? await t.find(db, callerOf(req), id) : undefined;
  if (!row)
    throw new ApiError(
      404,
      'TagResourceNotFound',
      `Resource ${t.collection.replaceAll('-', '_')} ${id} could not be found.`,
    );
  enforce(req, `get_${t.member}:tags`, targetOf(row));
  return row;
}

function targetOf(row: TaggedRow): Record<string, unknown> {
  return {
    ...row,
    tenant_id: row.project_id,
    shared: Boolean(row.shared),
    'router:external': Boolean(row.external),
  };
}

async function currentTags(db: NetworkDb, t: Taggable, id: string): Promise<string[]> {
  return (await tagsOf(db, t.member, [id])).get(id) ?? [];
}

function tagNotFound(tag: string): ApiError {
  return new ApiError(404, 'TagNotFound', `Tag ${tag} could not be found.`);
}

function invalid(reason: string): ApiError {
  return new ApiError(400, 'InvalidInput', `Invalid input for operation: ${reason}.`);
}

function validTag(tag: unknown): string {
  if (typeof tag !== 'string') throw invalid(`'${String(tag)}' is not a valid string`);
  if (tag.length > MAX_TAG_LEN) throw invalid(`'${tag}' exceeds maximum length of ${MAX_TAG_LEN}`);
  return tag;
}

/** `{"tags": [...]}`: a list of unique strings. */
function validTags(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || !('tags' in body)) throw invalid('Invalid tags body');
  const tags = (body as { tags: unknown }).tags;
  if (!Array.isArray(tags)) throw invalid(`'${JSON.stringify(tags)}' is not a list`);
  for (const tag of tags) validTag(tag);
  if (new Set(tags).size !== tags.length) throw invalid(`Duplicate items in the list: '${tags.join(', ')}'`);
  return tags as string[];
}
