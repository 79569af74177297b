import { ApiError } from '../../core/errors.ts';
import type { ServiceApp } from '../../core/http/service.ts';
import type { NetworkDeps } from '../deps.ts';
import { EXTENSIONS, findExtension } from '../extensions.ts';

interface AliasParams {
  alias: string;
}

/** /v2.0/extensions: what this Networking service implements (see extensions.ts). */
export function extensionsRoutes(app: ServiceApp, _deps: NetworkDeps): void {
  app.get('/v2.0/extensions', async () => ({ extensions: EXTENSIONS }));

  app.get<{ Params: AliasParams }>('/v2.0/extensions/:alias', async (req) => {
    const found = findExtension(req.params.alias);
    if (!found) throw new ApiError(404, 'HTTPNotFound', `Extension with alias ${req.params.alias} does not exist`);
    return { extension: found };
  });
}
