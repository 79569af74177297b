import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { createServer } from 'node:net';

/** One running QEMU guest whose serial console is a pipe; tests wait on what it prints. */
export interface Guest {
  pid: number;
  accel: 'kvm' | 'tcg';
  /** Everything the serial console printed so far. */
  console(): string;
  /** Resolves with the first line matching `re`; rejects on timeout, on QEMU exiting, or on a kernel panic. */
  waitFor(re: RegExp, timeoutMs: number): Promise<string>;
  kill(): void;
}

export const hasKvm = (): boolean => {
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
};

/** A TCP port free right now on 127.0.0.1 (for a user-mode `hostfwd`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Boots QEMU with KVM when /dev/kvm opens, else TCG. A /dev/kvm that opens but cannot run a guest (nested
 * virtualisation without the needed MSRs, seen on CI hosts: QEMU aborts or reports "KVM internal error" and
 * hangs) is detected by SYSLINUX's banner not appearing within `kvmProbeMs`, and the guest is restarted on TCG.
 */
export async function bootGuest(args: readonly string[], onStart: (g: Guest) => void, kvmProbeMs = 15_000) {
  if (hasKvm()) {
    const g = startQemu(['-accel', 'kvm', '-cpu', 'host', ...args], 'kvm');
    onStart(g);
    try {
      await g.waitFor(/SYSLINUX|Linux version|strata-guest/, kvmProbeMs);
      return g;
    } catch {
      g.kill();
    }
  }
  // `-cpu max` gives the TCG guest RDRAND, so its RNG (and so the SSH host keys) is ready at once.
  const g = startQemu(['-accel', 'tcg', '-cpu', 'max', ...args], 'tcg');
  onStart(g);
  return g;
}

function startQemu(args: readonly string[], accel: 'kvm' | 'tcg'): Guest {
  const child: ChildProcess = spawn(
    'qemu-system-x86_64',
    [...args, '-nodefaults', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let exited: string | undefined;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString('latin1');
    notify();
  });
  child.stderr!.on('data', (b: Buffer) => {
    out += b.toString('latin1');
    notify();
  });
  child.on('exit', (code, sig) => {
    exited = `qemu exited (${sig ?? code})`;
    notify();
  });
  child.on('error', (e) => {
    exited = `qemu failed to start: ${e.message}`;
    notify();
  });
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  };
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        // Only whole lines: the console arrives in arbitrary chunks, and a half-printed marker lacks its address.
        const line = out
          .split(/\r?\n/)
          .slice(0, -1)
          .find((l) => re.test(l));
        const fail = line
          ? undefined
          : (exited ?? (/Kernel panic|KVM internal error/.test(out) ? 'guest crashed' : ''));
        if (line === undefined && !fail) return;
        clearTimeout(timer);
        waiters.delete(check);
        if (line !== undefined) resolve(line);
        else reject(new Error(`${fail} before ${re}; console:\n${out.slice(-3000)}`));
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${re} within ${timeoutMs} ms (${accel}); console:\n${out.slice(-3000)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { pid: child.pid ?? -1, accel, console: () => out, waitFor, kill };
}
