import { isUniqueViolation } from '../../core/db/database.ts';
import { Conflict, Forbidden, NotFound } from '../../core/errors.ts';
import type { BlobCipher } from '../credential-crypto.ts';
import { parseObject } from '../rows.ts';
import type { CredentialRow, IdentityDb } from '../tables.ts';

/** Keystone's `[credential] user_limit` default: how many credentials one user may hold. */
export const CREDENTIALS_PER_USER = 500;

/** A credential with its blob decrypted; `extra` holds the free-form attributes Keystone keeps. */
export interface Credential {
  id: string;
  user_id: string;
  project_id: string | null;
  type: string;
  blob: string;
  extra: Record<string, unknown>;
}

/** The wire shape (and the policy target): free-form attributes merged in. */
export const credentialOf = (c: Credential) => ({
  ...c.extra,
  id: c.id,
  user_id: c.user_id,
  project_id: c.project_id,
  type: c.type,
  blob: c.blob,
});

async function decrypt(cipher: BlobCipher, r: CredentialRow): Promise<Credential> {
  return {
    id: r.id,
    user_id: r.user_id,
    project_id: r.project_id,
    type: r.type,
    blob: await cipher.open(r.blob),
    extra: parseObject(r.extra),
  };
}

async function encrypt(cipher: BlobCipher, c: Credential): Promise<CredentialRow> {
  return { ...c, blob: await cipher.seal(c.blob), extra: JSON.stringify(c.extra) };
}

export async function findCredential(db: IdentityDb, cipher: BlobCipher, id: string): Promise<Credential | undefined> {
  const row = await db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
  return row && decrypt(cipher, row);
}

export async function getCredential(db: IdentityDb, cipher: BlobCipher, id: string): Promise<Credential> {
  const c = await findCredential(db, cipher, id);
  if (!c) throw new NotFound(`Could not find credential: ${id}.`);
  return c;
}

export async function listCredentials(
  db: IdentityDb,
  cipher: BlobCipher,
  filter: { user_id?: string; type?: string },
): Promise<Credential[]> {
  let q = db.selectFrom('credentials').selectAll().orderBy('id');
  if (filter.user_id !== undefined) q = q.where('user_id', '=', filter.user_id);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  return Promise.all((await q.execute()).map((r) => decrypt(cipher, r)));
}

export async function createCredential(db: IdentityDb, cipher: BlobCipher, c: Credential): Promise<Credential> {
  const row = await encrypt(cipher, c);
  await db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('credentials')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', c.user_id)
      .executeTakeFirstOrThrow();
    if (Number(n) >= CREDENTIALS_PER_USER)
      throw new Forbidden(`Unable to create additional credentials, maximum of ${CREDENTIALS_PER_USER} allowed.`);
    try {
      await trx.insertInto('credentials').values(row).execute();
    } catch (err) {
      // EC2 credential ids are the hash of the access key: the same key twice is this conflict.
      if (isUniqueViolation(err))
        throw new Conflict(`Conflict occurred attempting to store credential - Duplicate ID, ${c.id}.`);
      throw err;
    }
  });
  return c;
}

/**
 * `change` sees the current credential inside the transaction and returns the fields to set; it may throw
 * (a policy check on the merged credential), which leaves the row untouched.
 */
export async function updateCredential(
  db: IdentityDb,
  cipher: BlobCipher,
  id: string,
  change: (current: Credential) => Partial<Omit<Credential, 'id'>>,
): Promise<Credential> {
  return db.transaction().execute(async (trx) => {
    const current = await getCredential(trx, cipher, id);
    const next: Credential = { ...current, ...change(current), id };
    await trx
      .updateTable('credentials')
      .set(await encrypt(cipher, next))
      .where('id', '=', id)
      .execute();
    return next;
  });
}

export async function deleteCredential(db: IdentityDb, id: string): Promise<void> {
  const res = await db.deleteFrom('credentials').where('id', '=', id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound(`Could not find credential: ${id}.`);
}

/** Keystone drops a user's credentials when the user is deleted; the users store calls this in its transaction. */
export async function deleteCredentialsForUser(db: IdentityDb, userId: string): Promise<void> {
  await db.deleteFrom('credentials').where('user_id', '=', userId).execute();
}

/** Keystone drops a project's credentials when the project is deleted. */
export async function deleteCredentialsForProject(db: IdentityDb, projectId: string): Promise<void> {
  await db.deleteFrom('credentials').where('project_id', '=', projectId).execute();
}
