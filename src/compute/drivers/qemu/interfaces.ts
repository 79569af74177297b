import type { Vif } from '../hypervisor.ts';
import { netdevId, nicId } from './cmdline.ts';
import type { QemuHost } from './host-context.ts';
import { tapName, writeRecord } from './instance-record.ts';
import { loadRecord, qmpOf } from './lifecycle.ts';
import type { InstancePaths } from './paths.ts';
import { ensureTap } from './taps.ts';

/** Hot-plugs a virtio NIC on the port's tap (or only records it for the next start when the guest is off). */
export async function attachInterface(h: QemuHost, paths: InstancePaths, uuid: string, vif: Vif): Promise<void> {
  const record = await loadRecord(h, paths, uuid);
  const client = await qmpOf(h, paths, uuid);
  if (client && !record.spec.vifs.some((v) => v.id === vif.id)) {
    const tap = tapName(vif);
    await ensureTap(h.ns, tap);
    await client.execute('netdev_add', { type: 'tap', id: netdevId(vif), ifname: tap, script: 'no', downscript: 'no' });
    try {
      await client.execute('device_add', {
        driver: 'virtio-net-pci',
        netdev: netdevId(vif),
        mac: vif.address,
        id: nicId(vif),
      });
    } catch (err) {
      await client.execute('netdev_del', { id: netdevId(vif) }).catch(() => {});
      throw err;
    }
  }
  record.spec.vifs = [...record.spec.vifs.filter((v) => v.id !== vif.id), vif];
  await writeRecord(paths.record, record);
}

/**
 * Unplugs the NIC: `device_del` asks the guest (ACPI hot-unplug), DEVICE_DELETED says it let go; a guest that
 * never answers (not booted far enough) still loses the backend, and the device goes at its next start.
 */
export async function detachInterface(h: QemuHost, paths: InstancePaths, uuid: string, vif: Vif): Promise<void> {
  const record = await loadRecord(h, paths, uuid);
  const client = await qmpOf(h, paths, uuid);
  if (client) {
    const deleted = client
      .waitEvent('DEVICE_DELETED', 20000, (e) => e.data?.device === nicId(vif))
      .catch(() => undefined);
    const asked = await client.execute('device_del', { id: nicId(vif) }).then(
      () => true,
      () => false,
    );
    if (asked && !(await deleted))
      h.log.warn({ host: h.host, uuid, port: vif.id }, 'qemu driver: guest did not release the NIC in 20 s');
    await client.execute('netdev_del', { id: netdevId(vif) }).catch(() => {});
  }
  record.spec.vifs = record.spec.vifs.filter((v) => v.id !== vif.id);
  await writeRecord(paths.record, record);
}
