#!/bin/sh
# Installs what Strata needs on a fresh Debian machine: the npm dependencies (including the pinned Node),
# and, for the tests, Debian's packages. Sourced by start.sh and test.sh; safe to run again.
set -eu
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# What builds the test guest image that `./start.sh` boots servers from (Debian's cloud kernel is fetched by the
# builder itself), and what real instances and tenant networks run on: QEMU, dnsmasq, nftables, iproute2,
# genisoimage for config drives. $1 = "test" adds the test tools: the OpenStack client, Tempest, PostgreSQL.
packages="qemu-utils busybox-static dropbear-bin syslinux syslinux-common mtools dosfstools fdisk"
packages="$packages qemu-system-x86 dnsmasq-base nftables iproute2 genisoimage"
if [ "${1:-}" = "test" ]; then
  packages="$packages python3-openstackclient tempest keystone-tempest-plugin neutron-tempest-plugin postgresql openssh-client iputils-ping"
fi
missing=""
for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
  else
    echo "setup: these Debian packages are needed:$missing"
    echo "setup: install them with: sudo apt-get install -y$missing  (what needs them is skipped)"
  fi
fi
