/**
 * The resource classes an OpenStack site's capacity is counted in (format.md, "Every resource
 * counts"), with the names Placement gives them (os-resource-classes): VCPU, MEMORY_MB, DISK_GB,
 * PCPU (dedicated host CPUs), VGPU and PCI_DEVICE. A public site is counted in vCPU against its
 * quota.
 *
 * What a flavor asks of Placement follows Nova (nova/scheduler/utils.py, resources_from_flavor):
 * `cpuPolicy: dedicated` (hw:cpu_policy=dedicated) asks vcpus of PCPU and no VCPU; `vgpus` and
 * `pciDevices` are the `resources:VGPU=N` and `resources:PCI_DEVICE=N` extra specs.
 */

/** Amounts per resource class: VCPU, MEMORY_MB, DISK_GB, PCPU, VGPU, PCI_DEVICE. */
export interface Resources { vcpus: number; memoryMiB: number; diskGiB: number; pcpus: number; vgpus: number; pciDevices: number }

/** What flavorRequest reads of a flavor (model.ts Flavor). */
export interface FlavorSize { vcpus: number; memoryMiB: number; diskGiB: number; cpuPolicy: 'shared' | 'dedicated'; vgpus: number; pciDevices: number }

export const RESOURCES = ['vcpus', 'memoryMiB', 'diskGiB', 'pcpus', 'vgpus', 'pciDevices'] as const;
export type ResourceKey = (typeof RESOURCES)[number];
export const NR = RESOURCES.length;
/** Indices into RESOURCES: VCPU, MEMORY_MB, DISK_GB, PCPU; the device classes (PCPU, VGPU, PCI_DEVICE) start at PCPU. */
export const R_VCPU = 0;
export const R_MEMORY = 1;
export const R_DISK = 2;
export const R_PCPU = 3;

/** The classes beyond vCPU, memory and disk: counted only where a site has or asks for them. */
export const DEVICE_RESOURCES = ['pcpus', 'vgpus', 'pciDevices'] as const;

/** Placement's resource class for each resource. */
export const PLACEMENT_CLASS: Record<ResourceKey, string> = { vcpus: 'VCPU', memoryMiB: 'MEMORY_MB', diskGiB: 'DISK_GB', pcpus: 'PCPU', vgpus: 'VGPU', pciDevices: 'PCI_DEVICE' };

/** What a reader calls it, and the unit its amounts are in. */
export const RESOURCE_LABEL: Record<ResourceKey, string> = { vcpus: 'vCPU', memoryMiB: 'memory', diskGiB: 'disk', pcpus: 'PCPU', vgpus: 'vGPU', pciDevices: 'PCI devices' };
export const RESOURCE_UNIT: Record<ResourceKey, string> = { vcpus: 'vCPU', memoryMiB: 'MiB', diskGiB: 'GiB', pcpus: 'PCPU', vgpus: 'vGPU', pciDevices: 'PCI devices' };

/** The allocation-ratio field of each resource in an aggregate's `allocationRatio`. */
export const RATIO_FIELD: Record<ResourceKey, 'cpu' | 'ram' | 'disk' | 'pcpu' | 'vgpu' | 'pci'> = { vcpus: 'cpu', memoryMiB: 'ram', diskGiB: 'disk', pcpus: 'pcpu', vgpus: 'vgpu', pciDevices: 'pci' };

export const ZERO_RESOURCES: Readonly<Resources> = Object.freeze({ vcpus: 0, memoryMiB: 0, diskGiB: 0, pcpus: 0, vgpus: 0, pciDevices: 0 });

/** What one instance of the flavor takes from a host, per resource class. */
export function flavorRequest(f: FlavorSize): Resources {
  const dedicated = f.cpuPolicy === 'dedicated';
  return { vcpus: dedicated ? 0 : f.vcpus, memoryMiB: f.memoryMiB, diskGiB: f.diskGiB, pcpus: dedicated ? f.vcpus : 0, vgpus: f.vgpus, pciDevices: f.pciDevices };
}

/** a + k × b, per resource. */
export function addScaled(a: Resources, b: Resources, k = 1): Resources {
  const out = { ...a };
  for (const r of RESOURCES) out[r] += k * b[r];
  return out;
}

/** A flavor's size as people write it: "4 vCPU, 8192 MiB, 80 GiB", then what else it asks (", dedicated CPUs, 1 vGPU"). */
export function describeFlavor(f: { vcpus: number; memoryMiB: number; diskGiB: number; cpuPolicy?: string; vgpus?: number; pciDevices?: number }): string {
  return `${f.vcpus} vCPU, ${f.memoryMiB} MiB, ${f.diskGiB} GiB${f.cpuPolicy === 'dedicated' ? ', dedicated CPUs' : ''}${f.vgpus ? `, ${f.vgpus} vGPU` : ''}${f.pciDevices ? `, ${f.pciDevices} PCI device${f.pciDevices > 1 ? 's' : ''}` : ''}`;
}

/** The workloads a loss leaves short (a failover shortfall lists every workload checked, most with 0), in its order. */
export function shortWorkloads<S extends { instances: number }>(shortfall: Record<string, S>): [string, S][] {
  return Object.entries(shortfall).filter(([, v]) => v.instances > 0);
}

/** The device classes (PCPU, vGPU, PCI devices) any of the report's sites is counted in: the extra columns of a site table. */
export function devicesCounted(sites: readonly { capacity: Partial<Record<ResourceKey, number | null>> }[]): (typeof DEVICE_RESOURCES)[number][] {
  return DEVICE_RESOURCES.filter((r) => sites.some((s) => typeof s.capacity[r] === 'number'));
}
