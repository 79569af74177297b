import { NotFound } from '../../core/errors.ts';
import type { IdentityDb } from '../tables.ts';

/** The OS-EC2 routes name a user in the path; Keystone answers 404 for one that does not exist. */
export async function requireUser(db: IdentityDb, userId: string): Promise<void> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  if (!row) throw new NotFound(`Could not find user: ${userId}.`);
}

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
