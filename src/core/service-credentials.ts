import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { Config } from './config.ts';
import type { ServiceCredentials } from './service-client.ts';

/**
 * Where the all-in-one keeps the passwords of its service users (`compute`, ...), generated at the first start
 * and reused after: `<dataDir>/service-credentials.yaml`, readable by the owner only. A configured
 * `serviceAuth.password` wins over the file (a node whose controller made the user).
 */
export const serviceCredentialsFile = (dataDir: string) => join(dataDir, 'service-credentials.yaml');

/** The users every all-in-one bootstraps in the `service` project. */
export const SERVICE_USERS = ['compute'] as const;

interface CredentialsDoc {
  project: string;
  users: Record<string, string>;
}

async function readDoc(dataDir: string): Promise<CredentialsDoc | undefined> {
  try {
    const doc = parseYaml(await readFile(serviceCredentialsFile(dataDir), 'utf8'));
    if (doc && typeof doc === 'object' && doc.users && typeof doc.users === 'object') return doc as CredentialsDoc;
  } catch {}
  return undefined;
}

/**
 * Makes sure every service user has a password (from config, the file, or new); returns them with `changed`
 * set where the password is new to Identity (so bootstrap sets it: hashing every start would cost a scrypt).
 * `save()` writes the file: call it once bootstrap has made the users, since services log in as soon as the
 * file names a password.
 */
export async function ensureServiceCredentials(config: Config): Promise<{
  project: string;
  users: { name: string; password: string; changed: boolean }[];
  save(): Promise<void>;
}> {
  const doc = (await readDoc(config.dataDir)) ?? { project: config.serviceAuth.project, users: {} };
  const users: { name: string; password: string; changed: boolean }[] = [];
  let dirty = false;
  for (const name of SERVICE_USERS) {
    const configured = name === config.serviceAuth.user && config.serviceAuth.password;
    if (configured) {
      users.push({ name, password: configured, changed: doc.users[name] !== configured });
      if (doc.users[name] !== configured) {
        doc.users[name] = configured;
        dirty = true;
      }
      continue;
    }
    const stored = doc.users[name];
    const password = stored || randomBytes(18).toString('base64url');
    if (!stored) {
      doc.users[name] = password;
      dirty = true;
    }
    users.push({ name, password, changed: !stored });
  }
  const save = async () => {
    if (dirty) await writeFile(serviceCredentialsFile(config.dataDir), toYaml(doc), { mode: 0o600 });
  };
  return { project: doc.project, users, save };
}

/**
 * The credentials a service logs in with: the configured ones, else the all-in-one's file. It does not wait for
 * the file: the all-in-one starts its services (whose start may await a first call) before it bootstraps
 * Identity and saves the file, so a call that early fails and is retried by its caller.
 */
export async function serviceCredentials(config: Config): Promise<ServiceCredentials> {
  const { user, password, project } = config.serviceAuth;
  if (password) return { user, password, project };
  const doc = await readDoc(config.dataDir);
  const stored = doc?.users[user];
  if (!stored)
    throw new Error(
      `no password for service user ${user} yet (serviceAuth.password or ${serviceCredentialsFile(config.dataDir)})`,
    );
  return { user, password: stored, project: doc?.project ?? project };
}

/** The Identity endpoint services log in at. */
export const serviceAuthUrl = (config: Config, publicUrl: string): string =>
  config.serviceAuth.authUrl || `${publicUrl}/identity/v3`;
