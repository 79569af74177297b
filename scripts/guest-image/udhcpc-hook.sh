#!/bin/sh
# busybox udhcpc calls this with $1 = deconfig | bound | renew | leasefail | nak and the lease in the environment.
case "$1" in
deconfig)
  ip -4 addr flush dev "$interface"
  ip link set "$interface" up
  ;;
bound | renew)
  [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
  if [ "$1" = bound ] || [ "$(cat /run/dhcp.address 2>/dev/null)" != "$ip" ]; then
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
  fi
  # RFC 3442: a client given classless static routes (option 121) ignores the router option.
  if [ -n "$staticroutes" ]; then
    set -- $staticroutes
    while [ $# -ge 2 ]; do
      if [ "$2" = 0.0.0.0 ]; then ip route replace "$1" dev "$interface"; else ip route replace "$1" via "$2" dev "$interface"; fi
      shift 2
    done
  elif [ -n "$router" ]; then
    ip route replace default via "${router%% *}" dev "$interface"
  fi
  {
    [ -n "$domain" ] && echo "search $domain"
    for s in $dns; do echo "nameserver $s"; done
  } >/etc/resolv.conf
  [ -n "$hostname" ] && echo "$hostname" >/run/dhcp.hostname
  echo "$ip" >/run/dhcp.address
  ;;
esac
exit 0
