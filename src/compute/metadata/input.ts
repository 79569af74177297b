import type { GuestFacts, InstanceSpec } from '../drivers/hypervisor.ts';
import type { SubnetFacts } from './network-data.ts';

/** Nova's default dhcp_domain: the metadata's hostname is the instance's host name in it. */
export const DHCP_DOMAIN = 'novalocal';
/** The zone the metadata names for a server booted into none (Nova's default_availability_zone). */
const DEFAULT_ZONE = 'nova';

/** Everything one instance's metadata is built from; the builders look nothing up. */
export interface MetadataInput {
  spec: InstanceSpec;
  /** The row's facts (the spec's own `guest` unless the caller read a fresher row). */
  guest?: GuestFacts;
  /** The zone to show when the row names none (the configured default). */
  defaultZone?: string;
  /** Floating IPs on the instance's ports, in port order (EC2 public-ipv4 is the first). */
  floatingIps?: string[];
  /** The instance's subnets by id when known: network_data.json then describes static addresses. */
  subnets?: ReadonlyMap<string, SubnetFacts>;
  /** The encrypted password the guest posted ('' until it posts one): the service's `password` file. */
  password?: string;
}

export type ShownFacts = Required<GuestFacts> & { availability_zone: string };

/** The row's facts with the defaults a spec without them (or a server in no zone) shows. */
export function shownFactsOf(input: MetadataInput): ShownFacts {
  const g = input.guest ?? input.spec.guest;
  return {
    project_id: g?.project_id ?? '',
    availability_zone: g?.availability_zone || input.defaultZone || DEFAULT_ZONE,
    launch_index: g?.launch_index ?? 0,
    reservation_id: g?.reservation_id ?? '',
    security_groups: g?.security_groups ?? [],
    kernel_id: g?.kernel_id ?? null,
    ramdisk_id: g?.ramdisk_id ?? null,
    root_device_name: g?.root_device_name ?? null,
  };
}

/** The host name the guest is told: the instance's, in the DHCP domain (`vm1.novalocal`). */
export function hostnameOf(spec: InstanceSpec): string {
  return `${spec.hostname}.${DHCP_DOMAIN}`;
}

/** The instance's user data as the guest reads it: the API keeps it base64, the guest gets the bytes. */
export function userDataOf(spec: InstanceSpec): Uint8Array | undefined {
  const text = spec.injected.userData;
  if (text === null || text === undefined || text === '') return undefined;
  return Buffer.from(text, 'base64');
}
