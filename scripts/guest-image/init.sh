#!/bin/sh
# Strata test guest: /init of the initramfs (a template: the builder fills in the @...@ words).
# PID 1 until the guest is ready, then it hands over to busybox init (a getty on the serial console).
# The whole root filesystem is this initramfs, in RAM: every boot starts from scratch.
PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
export PATH HOME
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
exec </dev/console >/dev/console 2>&1
say() { echo "strata-guest: $*"; }
load() { for m in "$@"; do insmod "/lib/modules/$m.ko" 2>/dev/null || say "cannot load module $m"; done; }
arg() { for a in $(cat /proc/cmdline); do case "$a" in "$1"=*) echo "${a#*=}"; return ;; esac; done; echo "$2"; }

load @MODULES@
# The IDE driver's probe costs about a second under TCG and only matters for an IDE config drive:
# it runs while DHCP does.
( load @SLOW_MODULES@ ) &
SLOW=$!
# dropbearkey waits for the kernel RNG to be seeded, the slowest step of a boot without RDRAND or virtio-rng;
# it overlaps with everything up to the moment sshd starts.
(
  dropbearkey -t ed25519 -f /etc/dropbear/dropbear_ed25519_host_key >/dev/null 2>&1
  dropbearkey -t ecdsa -f /etc/dropbear/dropbear_ecdsa_host_key >/dev/null 2>&1
) &
HOSTKEYS=$!
ip link set lo up
hostname @DEFAULT_HOSTNAME@

# ---- network: the first NIC, by DHCP (no udev here, the kernel's own names)
NIC=
for _ in $(seq 40); do
  for d in /sys/class/net/*; do [ "${d##*/}" != lo ] && NIC=${d##*/} && break; done
  [ -n "$NIC" ] && break
  usleep 100000
done
ADDR=none
if [ -n "$NIC" ]; then
  ip link set "$NIC" up
  # Option 121 carries Neutron's host route to the metadata address; option 26 the tenant network's MTU.
  # The pid file has cirros' name: Tempest's test_subnet_details signals it to renew.
  udhcpc -i "$NIC" -s /etc/udhcpc/hook -O staticroutes -O mtu -t 8 -T 1 -A 3 -b -p "/run/udhcpc.$NIC.pid" \
    >/run/udhcpc.log 2>&1
  [ -s /run/dhcp.address ] && ADDR=$(cat /run/dhcp.address)
else
  say "no network interface"
fi

# ---- metadata: a config drive (label config-2) first, else the metadata service
SOURCE=none
rm -f /run/meta_data.json /run/user_data
wait "$SLOW"
DRIVE=
for _ in 1 2 3; do
  DRIVE=$(findfs LABEL=config-2 2>/dev/null || findfs LABEL=CONFIG-2 2>/dev/null) && break
  usleep 200000
done
if [ -n "$DRIVE" ]; then
  mkdir -p /run/config-drive
  if mount -o ro -t iso9660 "$DRIVE" /run/config-drive 2>/dev/null ||
    mount -o ro -t vfat "$DRIVE" /run/config-drive 2>/dev/null; then
    if cp /run/config-drive/openstack/latest/meta_data.json /run/meta_data.json 2>/dev/null; then
      SOURCE=configdrive
      cp /run/config-drive/openstack/latest/user_data /run/user_data 2>/dev/null
    else
      say "config drive $DRIVE has no openstack/latest/meta_data.json"
    fi
    umount /run/config-drive
  else
    say "cannot mount config drive $DRIVE"
  fi
fi
# busybox wget's own -T crashes in Debian 12's busybox; timeout(1) bounds each request instead.
fetch() { timeout 4 wget -q -O "$2" "http://169.254.169.254$1" 2>/dev/null; }
TRIES=$(arg strata.metadata_tries 10)
if [ "$SOURCE" = none ] && [ "$ADDR" != none ]; then
  i=0
  while [ "$i" -lt "$TRIES" ]; do
    if fetch /openstack/latest/meta_data.json /run/meta_data.json; then
      SOURCE=openstack
      fetch /openstack/latest/user_data /run/user_data || rm -f /run/user_data
      break
    fi
    i=$((i + 1))
    sleep 1
  done
fi

# ---- apply it: hostname, SSH keys
KEYS=0
: >/root/.ssh/authorized_keys
if [ -s /run/meta_data.json ]; then
  awk -f /lib/strata/json-flatten.awk /run/meta_data.json >/run/meta_data.flat
  NAME=$(awk -F '\t' '$1 == "hostname" { print $2; exit }' /run/meta_data.flat)
  # Nova writes each key twice (public_keys and keys[].data); one line each is enough.
  awk -F '\t' '$1 ~ /^public_keys\./ || $1 ~ /^keys\.[0-9]+\.data$/ { print $2 }' /run/meta_data.flat |
    sed 's/^ *//; s/ *$//' | grep . | sort -u >/root/.ssh/authorized_keys
  KEYS=$(grep -c . /root/.ssh/authorized_keys)
  if [ -n "$NAME" ]; then
    NAME=$(echo "$NAME" | cut -c1-63)
    hostname "$NAME"
    echo "127.0.1.1 $NAME ${NAME%%.*}" >>/etc/hosts
  fi
elif [ -s /run/dhcp.hostname ]; then
  hostname "$(cat /run/dhcp.hostname)"
fi
chmod 600 /root/.ssh/authorized_keys
hostname >/etc/hostname

# ---- services: sshd once its host keys exist, acpid for a clean ACPI shutdown
wait "$HOSTKEYS"
dropbear -R -p 22 -P /run/dropbear.pid 2>/run/dropbear.log || say "dropbear did not start"
acpid -c /etc/acpi -l /run/acpid.log 2>/dev/null

# ---- user_data: only a script (#!) is run, once, before the ready marker so tests can rely on its effects
if [ -s /run/user_data ] && [ "$(head -c 2 /run/user_data)" = '#!' ]; then
  chmod 700 /run/user_data
  timeout 60 /run/user_data >/run/user_data.log 2>&1
  say "user_data exit=$?"
fi

for t in ed25519 ecdsa; do
  dropbearkey -y -f /etc/dropbear/dropbear_${t}_host_key 2>/dev/null | sed -n "s/^Fingerprint: /strata-guest: host key $t /p"
done
echo "STRATA-GUEST-INFO metadata=$SOURCE keys=$KEYS iface=${NIC:-none}"
echo "@READY_MARKER@ hostname=$(hostname) ip=$ADDR"
exec /sbin/init
