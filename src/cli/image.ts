import { buildTestImage, missingPackages } from '../../scripts/guest-image/build.ts';

export interface BuildTestOptions {
  out: string;
  cache?: string;
  /** Where `strata start` looks for the guest to upload (config image.guestImage). */
  startLooksAt: string;
}

/** `strata image build-test`: the small Debian-based guest the compute tests boot (see scripts/guest-image/). */
export async function buildTestImageCommand(opts: BuildTestOptions): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const { signal } = controller;
  const missing = await missingPackages(signal);
  if (missing.length > 0) {
    throw new Error(`the builder needs these Debian packages: apt-get install ${missing.join(' ')}`);
  }
  const started = Date.now();
  const built = await buildTestImage({
    outDir: opts.out,
    cacheDir: opts.cache,
    signal,
    log: (line) => console.log(line),
  });
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s with kernel ${built.kernelVersion}`);
  console.log(`  ${built.qcow2}  ${mib(built.qcow2Bytes)} (virtual ${mib(built.virtualBytes)})`);
  console.log(`  ${built.vmlinuz}, ${built.initramfs} (${mib(built.initramfsBytes)}) for direct kernel boot`);
  if (built.qcow2 === opts.startLooksAt) console.log('`strata start` uploads it as the public image strata-guest');
  else
    console.log(
      `\`strata start\` looks for ${opts.startLooksAt}; set image.guestImage to ${built.qcow2}, or upload it with:\n` +
        `  openstack image create --public --disk-format qcow2 --container-format bare --file ${built.qcow2} strata-guest`,
    );
}
