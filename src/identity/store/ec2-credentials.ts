import { NotFound } from '../../core/errors.ts';
import type { IdentityDb } from '../tables.ts';

/** An EC2 key is bound to a project (never a domain): the one its /ec2tokens tokens are scoped to. */
export async function requireProject(db: IdentityDb, projectId: string): Promise<void> {
  const row = await db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .where('is_domain', '=', 0)
    .executeTakeFirst();
  if (!row) throw new NotFound(`Could not find project: ${projectId}.`);
}
