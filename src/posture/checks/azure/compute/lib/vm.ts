/**
 * What the virtual machine checks read besides plain properties: the VM's extensions and its OS.
 *
 * Extensions come from two places:
 *   - the `resources` array ARM returns on a VM GET (`az vm show` prints it flattened, so the
 *     inventory files it under `properties.resources`; each item names the extension with
 *     `publisher` and `typePropertiesType`, the SDK's name for ARM's `properties.type`);
 *   - `Microsoft.Compute/virtualMachines/extensions` child resources (templates, `az vm extension
 *     list`, `az graph query`), matched by parent id.
 * ARM prints `resources` only when the VM has extensions, and Resource Graph never prints it, so a
 * VM without either says nothing about its extensions: the checks then report indeterminate
 * instead of "no extension", and say how to export them.
 * Sources: https://learn.microsoft.com/rest/api/compute/virtual-machines/get,
 * https://learn.microsoft.com/rest/api/compute/virtual-machine-extensions/get
 */
import { isUnresolved } from '#core';
import type { CheckContext } from '../../../../check.ts';
import { type AzureResource, childrenOf, read, sameText } from '../../../../lib/azure.ts';
import { fieldOf, isRecord, lastSegment, propertiesOf, unresolvedReason } from '../../network/lib/arm.ts';

export interface VmExtension {
  readonly name: string;
  readonly publisher?: string;
  /** The extension handler type ('MDE.Linux', 'IaaSAntimalware'), ARM's `properties.type`. */
  readonly type?: string;
  /** Why publisher or type cannot be read. */
  readonly unknown?: string;
}

export interface VmExtensions {
  /** Whether the input lists the VM's extensions at all. */
  readonly known: boolean;
  readonly extensions: readonly VmExtension[];
}

export const EXPORT_EXTENSIONS =
  'export them with `az vm extension list --vm-name <name> --resource-group <resource-group>` (or `az vm show`, which prints them under `resources` when there are any)';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function fromItem(item: unknown, index: number): VmExtension {
  if (!isRecord(item)) {
    return { name: `#${index}`, unknown: `resources[${index}] cannot be read` };
  }
  const name = text(fieldOf(item, 'name')) ?? `#${index}`;
  const properties = propertiesOf(item);
  const publisher = fieldOf(properties, 'publisher');
  // ARM: properties.type; az (flattened): typePropertiesType, with `type` the resource type.
  const handler = properties === item ? fieldOf(item, 'typePropertiesType') : fieldOf(properties, 'type');
  return extension(lastSegment(name), publisher, handler);
}

function extension(name: string, publisher: unknown, type: unknown): VmExtension {
  if (isUnresolved(publisher)) {
    return { name, unknown: `extension "${name}": ${unresolvedReason('publisher', publisher)}` };
  }
  if (isUnresolved(type)) {
    return { name, unknown: `extension "${name}": ${unresolvedReason('type', type)}` };
  }
  return {
    name,
    ...(text(publisher) === undefined ? {} : { publisher: text(publisher) }),
    ...(text(type) === undefined ? {} : { type: text(type) }),
  };
}

/** The VM's extensions from `resources` and from child extension resources (each once, by name). */
export function vmExtensions(ctx: CheckContext, vm: AzureResource): VmExtensions {
  const out: VmExtension[] = [];
  let known = false;
  for (const path of ['resources', 'properties.resources']) {
    const reading = read(vm.azure, path);
    if (reading.state === 'set' && Array.isArray(reading.value)) {
      known = true;
      reading.value.forEach((item, i) => {
        out.push(fromItem(item, i));
      });
    }
  }
  const children = childrenOf(ctx, vm, 'Microsoft.Compute/virtualMachines/extensions');
  for (const child of children) {
    known = true;
    const name = lastSegment(child.azure.name);
    if (out.some((e) => e.name.toLowerCase() === name.toLowerCase() && e.unknown === undefined)) {
      continue;
    }
    if (child.azure.propertiesUnknown) {
      out.push({
        name,
        unknown: `the input has no properties for extension "${name}"; export it with \`az vm extension show --ids <id>\``,
      });
      continue;
    }
    const p = child.azure.arm.properties;
    out.push(extension(name, fieldOf(p, 'publisher'), fieldOf(p, 'type') ?? fieldOf(p, 'typePropertiesType')));
  }
  return { known, extensions: out };
}

/** Whether an extension is one of the given (publisher, type) pairs, compared without case. */
export function isExtension(ext: VmExtension, kinds: readonly (readonly [string, string])[]): boolean {
  return kinds.some(
    ([publisher, type]) =>
      ext.publisher !== undefined &&
      ext.type !== undefined &&
      sameText(ext.publisher, publisher) &&
      sameText(ext.type, type),
  );
}

/** 'MDE.Linux (Microsoft.Azure.AzureDefenderForServers)', or the name when the type is not known. */
export function describeExtension(ext: VmExtension): string {
  return ext.type === undefined ? `"${ext.name}"` : `"${ext.name}" (${ext.publisher ?? '?'}/${ext.type})`;
}

export type OsType =
  | { readonly state: 'set'; readonly os: 'Linux' | 'Windows' }
  | { readonly state: 'unknown'; readonly reason: string };

/**
 * The VM's OS: `storageProfile.osDisk.osType`, else which of `osProfile.linuxConfiguration` and
 * `osProfile.windowsConfiguration` is present.
 */
export function osTypeOf(vm: AzureResource): OsType {
  const osType = read(vm.azure, 'properties.storageProfile.osDisk.osType');
  if (osType.state === 'set' && (sameText(osType.value, 'Linux') || sameText(osType.value, 'Windows'))) {
    return { state: 'set', os: sameText(osType.value, 'Linux') ? 'Linux' : 'Windows' };
  }
  if (osType.state === 'unknown') {
    return osType;
  }
  const linux = read(vm.azure, 'properties.osProfile.linuxConfiguration');
  const windows = read(vm.azure, 'properties.osProfile.windowsConfiguration');
  if (linux.state === 'set' && windows.state !== 'set') {
    return { state: 'set', os: 'Linux' };
  }
  if (windows.state === 'set' && linux.state !== 'set') {
    return { state: 'set', os: 'Windows' };
  }
  if (linux.state === 'unknown') {
    return linux;
  }
  return {
    state: 'unknown',
    reason: 'the input does not say the OS (storageProfile.osDisk.osType is not set); export the VM with `az vm show`',
  };
}
