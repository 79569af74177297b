import type { ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';

export function groupsRoutes(_app: ServiceApp, _deps: IdentityDeps): void {}
