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
  // Port forwardings first: a forwarded port of a floating IP goes to its internal address, not the whole IP's.
  const forwards = gw
    ? (router.port_forwardings ?? [])
        .filter((p) => ['tcp', 'udp'].includes(p.protocol) && !p.floating_ip_address.includes(':'))
        .map((p) => {
          const ext = range(p.external_port_start, p.external_port_end);
          // Same ports outside and in: the port is kept. (Unequal ranges map onto the internal range, not 1:1.)
          const same = p.external_port_start === p.internal_port_start && p.external_port_end === p.internal_port_end;
          const to = same
            ? p.internal_ip_address
            : `${p.internal_ip_address}:${range(p.internal_port_start, p.internal_port_end)}`;
          return `    ip daddr ${p.floating_ip_address} ${p.protocol} dport ${ext} dnat to ${to}`;
        })
    : [];
  const dnat = [...forwards, ...fips.map((f) => `    ip daddr ${f.floating_ip_address} dnat to ${f.fixed_ip_address}`)];
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

const range = (a: number, b: number): string => (a === b ? String(a) : `${a}-${b}`);
