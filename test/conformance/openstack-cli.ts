import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

export const hasOpenstackCli = existsSync('/usr/bin/openstack');

export interface CliCloud {
  /** `openstack <args> -f json` as a given cloud entry; resolves to the parsed JSON (or text when not JSON). */
  os(args: string[], opts?: { cloud?: string; json?: boolean }): Promise<any>;
  addCloud(name: string, auth: Record<string, unknown>, authType?: string): Promise<void>;
}

/** The real python-openstackclient, pointed at a Strata cloud through a clouds.yaml of its own. */
export async function cliFor(dataDir: string, authUrl: string, adminPassword: string): Promise<CliCloud> {
  const file = join(dataDir, 'cli-clouds.yaml');
  const clouds: Record<string, unknown> = {};
  const save = () => writeFile(file, stringify({ clouds }), { mode: 0o600 });
  const addCloud = async (name: string, auth: Record<string, unknown>, authType?: string) => {
    clouds[name] = {
      auth: { auth_url: authUrl, ...auth },
      region_name: 'RegionOne',
      identity_api_version: 3,
      ...(authType && { auth_type: authType }),
    };
    await save();
  };
  await addCloud('admin', {
    username: 'admin',
    password: adminPassword,
    project_name: 'admin',
    user_domain_name: 'Default',
    project_domain_name: 'Default',
  });
  return {
    addCloud,
    async os(args, opts = {}) {
      const json = opts.json ?? true;
      const full = ['--os-cloud', opts.cloud ?? 'admin', ...args, ...(json ? ['-f', 'json'] : [])];
      try {
        const { stdout } = await run('openstack', full, {
          env: { ...process.env, OS_CLIENT_CONFIG_FILE: file },
          timeout: 60000,
        });
        return json && stdout.trim() ? JSON.parse(stdout) : stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`openstack ${args.join(' ')} failed: ${e.stderr || e.message}`);
      }
    },
  };
}
