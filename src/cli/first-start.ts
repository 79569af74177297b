import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildTestImage, missingPackages } from '../../scripts/guest-image/build.ts';
import { passwordAuth } from '../../scripts/identity-client.ts';
import type { RunningCloud } from '../cloud.ts';
import type { Config } from '../core/config.ts';
import { ensurePublicNetwork } from './public-network.ts';

/**
 * What `./start.sh` gives a new cloud besides the bootstrap, as DevStack does: a bootable image (the test guest,
 * built from Debian packages when the builder's packages are there) and the external network `public`. Neither
 * is fatal: the banner says what was not done and why.
 */
export async function buildGuestIfMissing(config: Config, log: (line: string) => void): Promise<string[]> {
  if (!config.image.guestImage || existsSync(config.image.guestImage)) return [];
  const signal = AbortSignal.timeout(300_000);
  const missing = await missingPackages(signal);
  if (missing.length > 0)
    return [`guest image  not built: install ${missing.join(' ')} (then: strata image build-test)`];
  log(`guest image: building ${config.image.guestImage} from Debian packages (once; later starts reuse it)`);
  try {
    await buildTestImage({ outDir: dirname(config.image.guestImage), signal, log: (l) => log(`guest image: ${l}`) });
    return [];
  } catch (err) {
    return [`guest image  not built: ${(err as Error).message}`];
  }
}

/** The `public` external network on a cloud's first start. */
export async function createPublicNetwork(running: RunningCloud, config: Config): Promise<string[]> {
  try {
    const login = await fetch(`${running.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        passwordAuth(config.admin.user, running.adminPassword, {
          project: { name: config.admin.project, domain: { name: 'Default' } },
        }),
      ),
    });
    const token = login.headers.get('x-subject-token');
    if (login.status !== 201 || !token) throw new Error(`admin login answered ${login.status}`);
    const net = await ensurePublicNetwork(`${running.url}/networking`, token);
    return [`network      external network '${net.name}' ${net.id} (172.24.4.0/24, floating IPs)`];
  } catch (err) {
    return [`network      no external network made: ${(err as Error).message}`];
  }
}
