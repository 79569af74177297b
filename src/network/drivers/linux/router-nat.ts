import type { RouterSpec } from '../dataplane.ts';
import { routerGatewayName, routerInterfaceName } from './names.ts';

/**
 * A router namespace's `ip strata_nat` table, generated whole and replaced in one `nft -f` transaction:
 * floating IPs DNAT (prerouting, and output for the router's own traffic) to their fixed IP and SNAT back
 * (postrouting, leaving the gateway); every other tenant address leaving the gateway is SNATed to the
 * gateway's own address when `enable_snat` is on.
 */
export const NAT_TABLE = 'strata_nat';

export function natRuleset(router: RouterSpec): string {
  const gw = router.gateway;
  const qg = gw ? routerGatewayName(gw.port_id) : '';
  const gwIp = gw?.fixed_ips.find((f) => f.ip_version === 4)?.ip_address;
  const fips = gw ? router.floating_ips.filter((f) => !f.floating_ip_address.includes(':')) : [];
  const tenantCidrs = [
    ...new Set(router.interfaces.flatMap((i) => i.fixed_ips.filter((f) => f.ip_version === 4).map((f) => f.cidr))),
  ];
  const dnat = fips.map((f) => `    ip daddr ${f.floating_ip_address} dnat to ${f.fixed_ip_address}`);
  // Hairpin: a guest reaching another guest (or itself) by floating IP comes back in through a qr interface;
  // answered directly the reply would bypass the router and never match, so such traffic leaves as the router.
  const hairpin =
    fips.length && tenantCidrs.length
      ? router.interfaces.map(
          (i) =>
            `    oifname "${routerInterfaceName(i.port_id)}" ip saddr { ${tenantCidrs.join(', ')} } ct status dnat masquerade`,
        )
      : [];
  const post = [
    ...hairpin,
    ...fips.map((f) => `    oifname "${qg}" ip saddr ${f.fixed_ip_address} snat to ${f.floating_ip_address}`),
    ...(gw?.enable_snat && gwIp && tenantCidrs.length
      ? [`    oifname "${qg}" ip saddr { ${tenantCidrs.join(', ')} } snat to ${gwIp}`]
      : []),
  ];
  return [
    `table ip ${NAT_TABLE}`,
    `delete table ip ${NAT_TABLE}`,
    `table ip ${NAT_TABLE} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority -100; policy accept;',
    ...dnat,
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    ...dnat,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority 100; policy accept;',
    ...post,
    '  }',
    '}',
    '',
  ].join('\n');
}
