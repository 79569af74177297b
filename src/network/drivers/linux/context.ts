import type { LinuxDataplaneConfig } from '../../../core/config.ts';

/** What every part of the linux driver needs to know about the host it wires. */
export interface LinuxContext {
  host: string;
  /** `strata-host-<host>`: bridges and taps live here. */
  hostNs: string;
  /** `<dataDir>/network/<host>`: pid files, dnsmasq files and logs. */
  stateDir: string;
  linux: LinuxDataplaneConfig;
  metadataSocket: string;
  /** The Node binary and the proxy script, for helpers run inside namespaces. */
  nodeBinary: string;
  proxyScript: string;
}

/** A host's state directory under the data directory (what the driver and `strata net exec` share). */
export const linuxStateDir = (dataDir: string, host: string): string => `${dataDir}/network/${host}`;
