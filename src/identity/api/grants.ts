import type { ServiceApp } from '../../core/http/service.ts';
import type { IdentityDeps } from '../deps.ts';

export function grantsRoutes(_app: ServiceApp, _deps: IdentityDeps): void {}
