/**
 * Every name the linux dataplane gives a host object, in one place: the shared naming contract (tap, bridge and
 * namespace names other services rely on) and the names only this driver uses. Linux caps interface names at
 * 15 characters, so ids are cut to 11 after a 3- or 4-letter prefix; `sync` finds orphans by these prefixes.
 */

/** A port's tap (QEMU opens it by this name), or the host-side end of a DHCP/router veth for that port. */
export const tapName = (portId: string): string => `tap${portId.slice(0, 11)}`;
/** The network's bridge in the host namespace. */
export const bridgeName = (networkId: string): string => `brq${networkId.slice(0, 11)}`;
/** A VXLAN device under a network's bridge (only when a tunnel peer exists). */
export const vxlanName = (segmentationId: number): string => `vxlan-${segmentationId}`;
/** Inside a DHCP namespace: the end of the DHCP port's veth. */
export const dhcpDeviceName = (portId: string): string => `ns-${portId.slice(0, 11)}`;
/** Inside a router namespace: an interface on a tenant network. */
export const routerInterfaceName = (portId: string): string => `qr-${portId.slice(0, 11)}`;
/** Inside a router namespace: the gateway on the external network. */
export const routerGatewayName = (portId: string): string => `qg-${portId.slice(0, 11)}`;
/** The root-namespace end of the optional host veth (`network.linux.hostVeth`), and its peer on the bridge. */
export const hostVethName = 'strata-ext';
export const hostVethPeerName = 'tapstrata-ext';

export const dhcpNamespace = (networkId: string): string => `strata-dhcp-${networkId}`;
export const routerNamespace = (routerId: string): string => `strata-router-${routerId}`;
export const clientNamespace = (name: string): string => `strata-client-${name}`;

/** Prefixes of interfaces in a host namespace the driver owns (what sync considers). */
export const ownedLinkPrefixes = ['brq', 'tap', 'vxlan-'];

/**
 * A conntrack zone per network, derived from its id so it survives a restart of the driver (a zone that
 * changed under running guests would turn their established flows into new ones). Two networks sharing a
 * zone by hash collision only lose the separation of overlapping CIDRs between the two of them.
 */
export function conntrackZone(networkId: string): number {
  let h = 2166136261;
  for (const ch of networkId) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return (h % 65000) + 1;
}
