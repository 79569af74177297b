import { ADMIN_SCOPE } from '../scripts/identity-client.ts';
import { passwordAuthBody, tokenAuthBody } from './identity-seed.ts';
import type { LoadSpec } from './load-spec.ts';

export type ScenarioId = 'password-issue' | 'token-issue' | 'validate' | 'project-list';

export interface Scenario {
  id: ScenarioId;
  label: string;
  /** The load at one concurrency. */
  spec(connections: number): LoadSpec;
  /** A short unreported run first, so the JIT and connection setup are not in the figures. */
  warmUp: LoadSpec;
}

export interface Fixtures {
  base: string;
  adminToken: string;
  user: { name: string; password: string };
  userToken: string;
}

export const CONCURRENCIES = [1, 8, 32] as const;

const JSON_POST = { 'content-type': 'application/json' };

export function identityScenarios(fx: Fixtures, durationS: number): Scenario[] {
  const tokens = `${fx.base}/identity/v3/auth/tokens`;
  const timed = (connections: number) => ({ connections, durationS });
  const password: Omit<LoadSpec, 'connections'> = {
    url: tokens,
    method: 'POST',
    headers: JSON_POST,
    body: passwordAuthBody(fx.user.name, fx.user.password, ADMIN_SCOPE),
  };
  const rescope: Omit<LoadSpec, 'connections'> = {
    url: tokens,
    method: 'POST',
    headers: JSON_POST,
    body: tokenAuthBody(fx.userToken, ADMIN_SCOPE),
  };
  const validate: Omit<LoadSpec, 'connections'> = {
    url: tokens,
    method: 'GET',
    headers: { 'x-auth-token': fx.adminToken, 'x-subject-token': fx.userToken },
  };
  const projects: Omit<LoadSpec, 'connections'> = {
    url: `${fx.base}/identity/v3/projects`,
    method: 'GET',
    headers: { 'x-auth-token': fx.adminToken },
  };
  return [
    {
      id: 'password-issue',
      label: 'token issue, password',
      // Each request is one scrypt hash (~300 ms): count requests instead of seconds, a few per connection
      // (c=32 gets two rounds, ~10 s), so every connection completes and c=1 still gives a usable median.
      spec: (c) => ({ ...password, connections: c, amount: Math.min(64, Math.max(12, c * 3)), timeoutS: 60 }),
      warmUp: { ...password, connections: 1, amount: 2 },
    },
    {
      id: 'token-issue',
      label: 'token issue, token (rescope)',
      spec: (c) => ({ ...rescope, ...timed(c) }),
      warmUp: { ...rescope, connections: 8, durationS: 1 },
    },
    {
      id: 'validate',
      label: 'token validation',
      spec: (c) => ({ ...validate, ...timed(c) }),
      warmUp: { ...validate, connections: 8, durationS: 1 },
    },
    {
      id: 'project-list',
      label: 'project list (100)',
      spec: (c) => ({ ...projects, ...timed(c) }),
      warmUp: { ...projects, connections: 8, durationS: 1 },
    },
  ];
}
