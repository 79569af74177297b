#!/bin/sh
# Installs what Strata needs on a fresh Debian machine: the npm dependencies (including the pinned Node),
# and, for the tests, Debian's packages. Sourced by start.sh and test.sh; safe to run again.
set -eu
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# $1 = "test" also installs the test tools (OpenStack client, Tempest, PostgreSQL, and what builds and boots
# the test guest image: QEMU, busybox, dropbear, syslinux, FAT tools).
if [ "${1:-}" = "test" ]; then
  packages="python3-openstackclient tempest keystone-tempest-plugin neutron-tempest-plugin postgresql qemu-system-x86 qemu-utils busybox-static dropbear-bin syslinux syslinux-common mtools dosfstools fdisk"
  missing=""
  for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing Debian packages:$missing"
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    else
      echo "setup: these Debian packages are needed for the full test run:$missing"
      echo "setup: install them with: sudo apt-get install -y$missing  (tests that need them are skipped)"
    fi
  fi
fi
