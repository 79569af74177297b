/** The `ec2` credential blob as Keystone defines it: JSON with at least `access`, id = SHA-256 of that key. */
import { createHash } from 'node:crypto';
import { BadRequest } from '../core/errors.ts';

export const isEc2 = (type: string | undefined): boolean => type?.toLowerCase() === 'ec2';

/** Keystone's ValidationError wording for a missing credential attribute. */
export const missingInCredential = (attribute: string) =>
  new BadRequest(
    `Expecting to find ${attribute} in credential. The server could not comply with the request since it is ` +
      'either malformed or otherwise incorrect. The client is assumed to be in error.',
  );

export function parseEc2Blob(blob: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(blob);
  } catch {
    throw new BadRequest('Invalid blob in credential');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.keys(parsed).length === 0)
    throw missingInCredential('blob');
  const access = (parsed as Record<string, unknown>).access;
  if (access === undefined || access === null) throw missingInCredential('access');
  return parsed as Record<string, unknown>;
}

export const ec2CredentialId = (access: string): string => createHash('sha256').update(access, 'utf8').digest('hex');

/** Scope an EC2 blob records at creation; changing one would re-scope the tokens the key can obtain. */
const PINNED_KEYS = ['trust_id', 'app_cred_id', 'access_token_id', 'access_id'] as const;

export function checkPinnedKeys(oldBlob: string, newBlob: string): void {
  const next = parseEc2Blob(newBlob);
  let old: Record<string, unknown> = {};
  try {
    old = JSON.parse(oldBlob) ?? {};
  } catch {}
  for (const key of PINNED_KEYS) {
    if ((old[key] ?? null) !== (next[key] ?? null)) throw new BadRequest(`${key} can not be updated for credential`);
  }
}
