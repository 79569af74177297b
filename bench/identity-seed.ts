/**
 * What the identity bench needs in the cloud before it loads it: tokens, a plain user, 100 projects.
 * Plain fetch calls from the bench process; none of this is measured except the first token (start-up).
 */

import { type Answer, passwordAuth, readAnswer } from '../scripts/identity-client.ts';

export interface Scope {
  project: { name: string; domain: { name: string } };
}

export function passwordAuthBody(user: string, password: string, scope: Scope): string {
  return JSON.stringify(passwordAuth(user, password, scope));
}

export function tokenAuthBody(token: string, scope: Scope): string {
  return JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: token } }, scope } });
}

async function call(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer & { body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers['x-auth-token'] = token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  return readAnswer(res);
}

/** POST /auth/tokens with a prepared body; throws unless 201, since every later step needs the token. */
export async function issueToken(base: string, body: string): Promise<string> {
  const res = await call(base, 'POST', '/identity/v3/auth/tokens', undefined, body);
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`token issue answered ${res.status}: ${JSON.stringify(res.body)}`);
  return token;
}

export interface BenchUser {
  name: string;
  password: string;
  /** 'member' when the cloud could create a plain user and grant it a role; otherwise the admin stands in. */
  kind: 'member' | 'admin';
  why?: string;
}

/**
 * A plain user with the member role on the admin project, so issue and validation carry an ordinary user's
 * token. Users, roles and grants are built by other people in parallel; until they answer, the admin stands in.
 */
export async function seedUser(base: string, adminToken: string, adminPassword: string): Promise<BenchUser> {
  const admin = (why: string): BenchUser => ({ name: 'admin', password: adminPassword, kind: 'admin', why });
  const name = 'bench-user';
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const user = await call(base, 'POST', '/identity/v3/users', adminToken, {
    user: { name, password, domain_id: 'default', enabled: true },
  });
  if (user.status !== 201) return admin(`POST /v3/users answered ${user.status}`);
  const roles = await call(base, 'GET', '/identity/v3/roles?name=member', adminToken);
  const roleId = roles.body?.roles?.[0]?.id;
  if (roles.status !== 200 || !roleId) return admin(`GET /v3/roles?name=member answered ${roles.status}`);
  const projects = await call(base, 'GET', '/identity/v3/projects?name=admin', adminToken);
  const projectId = projects.body?.projects?.[0]?.id;
  if (projects.status !== 200 || !projectId) return admin(`GET /v3/projects?name=admin answered ${projects.status}`);
  const grant = await call(
    base,
    'PUT',
    `/identity/v3/projects/${projectId}/users/${user.body.user.id}/roles/${roleId}`,
    adminToken,
  );
  if (grant.status !== 204) return admin(`PUT role grant answered ${grant.status}`);
  return { name, password, kind: 'member' };
}

/**
 * Creates `count` projects in the Default domain, a few at a time. Returns how many the listing then shows,
 * or why it could not (the projects API may not be implemented yet).
 */
export async function seedProjects(
  base: string,
  adminToken: string,
  count: number,
): Promise<{ listed: number } | { skipped: string }> {
  const probe = await call(base, 'GET', '/identity/v3/projects', adminToken);
  if (probe.status !== 200) return { skipped: `GET /v3/projects answered ${probe.status}` };
  for (let start = 0; start < count; start += 8) {
    const batch = Array.from({ length: Math.min(8, count - start) }, (_, i) =>
      call(base, 'POST', '/identity/v3/projects', adminToken, {
        project: { name: `bench-${String(start + i).padStart(3, '0')}`, domain_id: 'default', enabled: true },
      }),
    );
    for (const res of await Promise.all(batch))
      if (res.status !== 201)
        return { skipped: `POST /v3/projects answered ${res.status}: ${JSON.stringify(res.body)}` };
  }
  const listed = await call(base, 'GET', '/identity/v3/projects', adminToken);
  if (listed.status !== 200) return { skipped: `GET /v3/projects answered ${listed.status}` };
  return { listed: listed.body?.projects?.length ?? 0 };
}
