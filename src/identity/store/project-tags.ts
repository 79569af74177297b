import { BadRequest, Forbidden, NotFound } from '../../core/errors.ts';
import type { IdentityDb } from '../tables.ts';
import { getProject, isImmutable, MAX_TAGS, normalizeTags, replaceTags, tagsOf } from './projects.ts';

export async function listProjectTags(db: IdentityDb, projectId: string): Promise<string[]> {
  await getProject(db, projectId);
  return (await tagsOf(db, [projectId])).get(projectId) ?? [];
}

export async function hasProjectTag(db: IdentityDb, projectId: string, tag: string): Promise<void> {
  if (!(await listProjectTags(db, projectId)).includes(tag)) throw new NotFound(`Could not find project tag: ${tag}.`);
}

/** PUT /tags: the list replaces the old one. */
export async function setProjectTags(db: IdentityDb, projectId: string, tags: readonly string[]): Promise<string[]> {
  const list = normalizeTags(tags);
  await db.transaction().execute(async (trx) => {
    await mutableProject(trx, projectId, 'update');
    await replaceTags(trx, projectId, list);
  });
  return list;
}

/**
 * PUT /tags/{tag}. Keystone validates the old list plus the new tag against the list schema, so a tag the project
 * already has is a 400 (uniqueItems), as is an 81st tag.
 */
export async function addProjectTag(db: IdentityDb, projectId: string, tag: string): Promise<string> {
  const name = tag.trim();
  return db.transaction().execute(async (trx) => {
    await mutableProject(trx, projectId, 'create');
    const have = (await tagsOf(trx, [projectId])).get(projectId) ?? [];
    if (have.includes(name)) throw new BadRequest(`Invalid input for field 'tags': ${name} is not unique.`);
    if (have.length + 1 > MAX_TAGS)
      throw new BadRequest(`Invalid input for field 'tags': a project may have at most ${MAX_TAGS} tags.`);
    await trx.insertInto('project_tags').values({ project_id: projectId, name }).execute();
    return name;
  });
}

export async function removeProjectTag(db: IdentityDb, projectId: string, tag: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await mutableProject(trx, projectId, 'delete');
    const gone = await trx
      .deleteFrom('project_tags')
      .where('project_id', '=', projectId)
      .where('name', '=', tag)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new NotFound(`Could not find project tag: ${tag}.`);
  });
}

async function mutableProject(trx: IdentityDb, projectId: string, verb: 'create' | 'update' | 'delete') {
  const row = await getProject(trx, projectId);
  if (isImmutable(row))
    throw new Forbidden(
      `Cannot ${verb} project tags for ${projectId}, project is immutable. Set "immutable" option to false before creating project tags.`,
    );
}
