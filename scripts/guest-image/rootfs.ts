import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RootfsEntry } from './cpio.ts';
import type { GuestKernel } from './kernel.ts';
import { modulesInLoadOrder } from './kernel.ts';
import { runTool } from './run-tool.ts';

/** What the serial console prints once sshd listens and user_data has run; tests wait for it. */
export const READY_MARKER = 'STRATA-GUEST-READY';

/** NIC, disks and the config drive's filesystems: Debian's cloud kernel builds all of these as modules. */
const MODULES = [
  'virtio_pci',
  'virtio_net',
  'virtio_blk',
  'virtio_scsi',
  'virtio_rng',
  'sd_mod',
  'sr_mod',
  'isofs',
  'vfat',
  'nls_cp437',
  'nls_ascii',
  'nls_iso8859_1',
  'nls_utf8',
  // busybox acpid reads the power button through evdev: QEMU's system_powerdown becomes a clean poweroff.
  'button',
  'evdev',
];
/** Loaded in the background: only an IDE config drive (QEMU's `pc` cdrom) needs them. */
const SLOW_MODULES = ['ata_piix'];

const HERE = import.meta.dirname;

/** The whole guest root filesystem: busybox, dropbear and its libraries, kernel modules, /init and /etc. */
export async function guestRootfs(kernel: GuestKernel, signal: AbortSignal): Promise<RootfsEntry[]> {
  const entries = new Map<string, RootfsEntry>();
  const add = (e: RootfsEntry) => {
    for (let d = dirname(e.path); d !== '/' && !entries.has(d); d = dirname(d)) {
      entries.set(d, { kind: 'dir', path: d, mode: 0o755 });
    }
    entries.set(e.path, e);
  };
  // /mnt: where Tempest mounts the config drive.
  for (const d of ['/proc', '/sys', '/dev', '/run', '/etc/dropbear', '/var/log', '/lib/modules', '/mnt'])
    add({ kind: 'dir', path: d, mode: 0o755 });
  add({ kind: 'dir', path: '/tmp', mode: 0o1777 });
  add({ kind: 'dir', path: '/root', mode: 0o700 });
  add({ kind: 'dir', path: '/root/.ssh', mode: 0o700 });
  add({ kind: 'symlink', path: '/var/run', target: '../run' });
  // The kernel opens /dev/console for /init before anything is mounted.
  add({ kind: 'char-device', path: '/dev/console', mode: 0o600, major: 5, minor: 1 });
  add({ kind: 'char-device', path: '/dev/null', mode: 0o666, major: 1, minor: 3 });

  const busybox = await which('busybox', signal);
  add(await hostFile('/bin/busybox', busybox, 0o755));
  // busybox-static needs nothing more; a dynamic busybox brings its libraries along.
  for (const lib of await sharedLibraries(busybox, signal)) add(await hostFile(lib, lib, 0o755));
  for (const applet of (await runTool(busybox, ['--list-full'], { signal })).split('\n')) {
    const path = `/${applet.trim()}`;
    if (path !== '/' && path !== '/bin/busybox') add({ kind: 'symlink', path, target: '/bin/busybox' });
  }

  for (const bin of ['/usr/sbin/dropbear', '/usr/bin/dropbearkey']) {
    add(await hostFile(bin, bin, 0o755));
    for (const lib of await sharedLibraries(bin, signal)) add(await hostFile(lib, lib, 0o755));
  }

  const order = await modulesInLoadOrder(kernel, MODULES);
  const slow = (await modulesInLoadOrder(kernel, SLOW_MODULES)).filter((m) => !order.includes(m));
  for (const m of [...order, ...slow]) add(await hostFile(`/lib/modules/${m}.ko`, kernel.modules.get(m)!, 0o644));

  const init = (await readFile(join(HERE, 'init.sh'), 'utf8'))
    .replaceAll('@MODULES@', order.join(' '))
    .replaceAll('@SLOW_MODULES@', slow.join(' '))
    .replaceAll('@DEFAULT_HOSTNAME@', 'strata-guest')
    .replaceAll('@READY_MARKER@', READY_MARKER);
  add(text('/init', init, 0o755));
  add(text('/etc/udhcpc/hook', await readFile(join(HERE, 'udhcpc-hook.sh'), 'utf8'), 0o755));
  add(text('/lib/strata/json-flatten.awk', await readFile(join(HERE, 'json-flatten.awk'), 'utf8'), 0o644));
  for (const [path, body, mode] of ETC) add(text(path, body, mode));
  return [...entries.values()];
}

const ETC: [string, string, number][] = [
  ['/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n', 0o644],
  // `*`, not `!`: dropbear refuses even key logins to an account whose password is locked with `!`.
  ['/etc/shadow', 'root:*:19000:0:99999:7:::\n', 0o600],
  ['/etc/group', 'root:x:0:\n', 0o644],
  ['/etc/shells', '/bin/sh\n', 0o644],
  ['/etc/hosts', '127.0.0.1 localhost\n', 0o644],
  ['/etc/profile', "export PATH=/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1='\\h:\\w\\$ '\n", 0o644],
  [
    '/etc/inittab',
    [
      'ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100',
      '::ctrlaltdel:/sbin/reboot',
      `::shutdown:/bin/sh -c 'echo STRATA-GUEST-SHUTDOWN > /dev/console; killall dropbear udhcpc acpid; sync'`,
      '',
    ].join('\n'),
    0o644,
  ],
  // busybox acpid runs /etc/acpi/<action>/<event>: PWRF/00000080 is the ACPI power button.
  ['/etc/acpi/PWRF/00000080', '#!/bin/sh\nexec /sbin/poweroff\n', 0o755],
  // Tempest's scenario tests read (and POST the password to) metadata in the guest with curl (cirros has it):
  // busybox wget does the request; options that take a value are skipped with it, the last other word is the URL.
  [
    '/usr/bin/curl',
    [
      '#!/bin/sh',
      'url= data= post=',
      'while [ $# -gt 0 ]; do',
      '  case "$1" in',
      '    -d|--data|--data-binary|--data-raw) data=$2; post=1; shift ;;',
      '    -X|--request) [ "$2" = POST ] && post=1; shift ;;',
      '    -H|--header|-m|--max-time|--connect-timeout|-o|--output|-u|--user|-A|--user-agent) shift ;;',
      '    -*) ;;',
      '    *) url=$1 ;;',
      '  esac',
      '  shift',
      'done',
      '[ -n "$post" ] && exec wget -q -O - --post-data="$data" "$url"',
      'exec wget -q -O - "$url"',
      '',
    ].join('\n'),
    0o755,
  ],
  // Tempest finds the config drive with `blkid -L config-2 -o device`; Debian's busybox has no blkid, findfs answers.
  [
    '/sbin/blkid',
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -L) exec findfs "LABEL=$2" ;; esac; shift; done\nexit 2\n',
    0o755,
  ],
  // Tempest runs guest commands with sudo (its images log in as a user); here the only user is root already.
  [
    '/usr/bin/sudo',
    '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -*) shift ;; *) break ;; esac; done\nexec "$@"\n',
    0o755,
  ],
];

const text = (path: string, body: string, mode: number): RootfsEntry => ({
  kind: 'file',
  path,
  mode,
  data: Buffer.from(body),
});

async function hostFile(path: string, source: string, mode: number): Promise<RootfsEntry> {
  const real = await realpath(source);
  return { kind: 'host-file', path, mode, source: real, size: (await stat(real)).size };
}

async function which(cmd: string, signal: AbortSignal): Promise<string> {
  const path = (await runTool('sh', ['-c', 'command -v "$1"', 'which', cmd], { signal })).trim();
  if (!path) throw new Error(`${cmd} not found`);
  return path;
}

/** Every library `bin` loads, the dynamic loader included, at the path the binary will look for it. */
async function sharedLibraries(bin: string, signal: AbortSignal): Promise<string[]> {
  // ldd exits 1 on a static binary ("not a dynamic executable"): nothing to copy then.
  const out = await runTool('ldd', [bin], { signal }).catch(() => '');
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or the loader: "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}
