/**
 * The few pieces of a Keystone v3 client that the tests (test/helpers/cloud.ts) and the identity bench share:
 * a password authentication body, and an answer read the way both look at it.
 */

/** The admin's project scope as bootstrap creates it. */
export const ADMIN_SCOPE = { project: { name: 'admin', domain: { name: 'Default' } } };

/** POST /v3/auth/tokens body for a password login; without a scope Keystone issues an unscoped token. */
export function passwordAuth(user: string, password: string, scope?: unknown, domain = 'Default') {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: domain }, password } } },
      ...(scope !== undefined && { scope }),
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON; the text when it is not JSON; undefined when empty. */
  body: unknown;
}

export async function readAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, headers: res.headers, body };
}
