import type { ServiceApp } from '../../core/http/service.ts';
import type { ImageDeps } from '../deps.ts';

export function imageImportRoutes(_app: ServiceApp, _deps: ImageDeps): void {}
