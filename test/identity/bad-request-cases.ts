import type { Member } from './member-fixture.ts';

/**
 * The table of bad requests test/identity/api/bad-requests.test.ts sends, one per kind of mistake: each must get
 * Keystone's status and error body, and none may write anything. Here: authentication and tokens; requests on
 * resources are in bad-resource-request-cases.ts.
 */
export interface Case {
  name: string;
  method: string;
  path: string;
  token?: 'admin' | 'member' | 'none' | 'expired' | 'revoked' | 'garbage';
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
}

/** What the cases name: made by the test before it sends them. */
export interface CaseFixture {
  adminPassword: string;
  /** Holds `member` on its own project; `other` is a second such user the first must not reach. */
  member: Member;
  other: Member;
  memberRole: string;
  adminRole: string;
  /** A project in another domain. */
  foreign: { id: string };
  /** Token strings: one past its expiry, one revoked. */
  expired: string;
  revoked: string;
}

export const V3 = '/identity/v3';
const pw = (user: Record<string, unknown>) => ({ auth: { identity: { methods: ['password'], password: { user } } } });

export function authCases(f: CaseFixture): Case[] {
  const { adminPassword, member, other, expired, revoked } = f;
  return [
    // Authentication requests
    { name: 'auth: malformed JSON', method: 'POST', path: `${V3}/auth/tokens`, raw: '{"auth":', status: 400 },
    { name: 'auth: body is a list', method: 'POST', path: `${V3}/auth/tokens`, body: [], status: 400 },
    { name: 'auth: no auth key', method: 'POST', path: `${V3}/auth/tokens`, body: {}, status: 400 },
    {
      name: 'auth: methods not a list',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: 'password' } } },
      status: 400,
    },
    {
      name: 'auth: empty methods',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: [] } } },
      status: 400,
    },
    {
      name: 'auth: password method without password',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: ['password'] } } },
      status: 400,
    },
    {
      name: 'auth: unknown method',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: { auth: { identity: { methods: ['kerberos'], kerberos: {} } } },
      status: 401,
    },
    {
      name: 'auth: wrong password',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', domain: { id: 'default' }, password: 'wrong' }),
      status: 401,
    },
    {
      name: 'auth: unknown user',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'nobody', domain: { id: 'default' }, password: 'x' }),
      status: 401,
    },
    {
      name: 'auth: user name without domain',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', password: 'x' }),
      status: 400,
    },
    {
      name: 'auth: password is a number',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: pw({ name: 'admin', domain: { id: 'default' }, password: 5 }),
      status: 400,
    },
    {
      name: 'auth: scope to unknown project',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'badreq', domain: { id: 'default' }, password: 'badreq-pw' }).auth,
          scope: { project: { id: 'nope' } },
        },
      },
      status: 401,
    },
    {
      name: 'auth: scope to a project without a role',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'badreq', domain: { id: 'default' }, password: 'badreq-pw' }).auth,
          scope: { project: { id: other.projectId } },
        },
      },
      status: 401,
    },
    {
      name: 'auth: project and domain scope at once',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      body: {
        auth: {
          ...pw({ name: 'admin', domain: { id: 'default' }, password: adminPassword }).auth,
          scope: { project: { id: member.projectId }, domain: { id: 'default' } },
        },
      },
      status: 400,
    },
    {
      name: 'auth: huge body',
      method: 'POST',
      path: `${V3}/auth/tokens`,
      raw: JSON.stringify({ pad: 'x'.repeat(200000) }),
      status: 413,
    },
    // Tokens
    {
      name: 'validate: garbage subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': 'gAAAAAgarbage' },
      status: 404,
    },
    {
      name: 'validate: expired subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': expired },
      status: 404,
    },
    {
      name: 'validate: revoked subject token',
      method: 'GET',
      path: `${V3}/auth/tokens`,
      token: 'admin',
      headers: { 'x-subject-token': revoked },
      status: 404,
    },
    { name: 'any call: no token', method: 'GET', path: `${V3}/projects`, token: 'none', status: 401 },
    { name: 'any call: garbage token', method: 'GET', path: `${V3}/projects`, token: 'garbage', status: 401 },
    { name: 'any call: expired token', method: 'GET', path: `${V3}/projects`, token: 'expired', status: 401 },
    { name: 'any call: revoked token', method: 'GET', path: `${V3}/users`, token: 'revoked', status: 401 },
  ];
}
