/**
 * Reading the nested ARM objects the network and compute checks walk (NSG rules, NIC IP
 * configurations, subnets, peerings, VM extensions), in both shapes an export can have them:
 * ARM REST / Resource Graph items keep `{ id, name, properties: {...} }`, while `az <service> show`
 * prints each item flattened (`{ id, name, access, direction, ... }`). Field names match exactly
 * first, then case-insensitively, as `read` does. A template value Palisade cannot evaluate is an
 * `Unresolved` marker, reported through `Value.unknown`.
 * Sources: ARM REST API reference (https://learn.microsoft.com/rest/api/virtualnetwork/,
 * https://learn.microsoft.com/rest/api/compute/virtual-machines/get), Azure CLI output
 * (https://learn.microsoft.com/cli/azure/format-output-azure-cli).
 */
import { isUnresolved } from '#core';
import type { CheckContext } from '../../../../check.ts';
import { type AzureResource, azureById, azureOfType, fieldOf, lastSegment, memoKey } from '../../../../lib/azure.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnresolved(value);
}

export { fieldOf } from '../../../../lib/azure.ts';

/** The properties of a nested ARM item: `item.properties` (ARM shape) or the item itself (az output). */
export function propertiesOf(item: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const properties = fieldOf(item, 'properties');
  return isRecord(properties) ? properties : item;
}

/** Why a template value is unknown, for indeterminate reasons. */
export function unresolvedReason(name: string, value: unknown): string {
  return isUnresolved(value) ? `${name} is ${value.expression}, which ${value.reason}` : `${name} is unknown`;
}

export type IdRef =
  | { readonly state: 'set'; readonly id: string }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown'; readonly reason: string };

/** The id of a reference object (`{ "id": "/subscriptions/..." }`, as ARM and az print references). */
export function idOf(value: unknown, name: string): IdRef {
  if (value === undefined || value === null) {
    return { state: 'absent' };
  }
  if (isUnresolved(value)) {
    return { state: 'unknown', reason: unresolvedReason(name, value) };
  }
  if (!isRecord(value)) {
    return typeof value === 'string' && value !== '' ? { state: 'set', id: value } : { state: 'absent' };
  }
  const id = fieldOf(value, 'id');
  if (isUnresolved(id)) {
    return { state: 'unknown', reason: unresolvedReason(`${name}.id`, id) };
  }
  return typeof id === 'string' && id !== '' ? { state: 'set', id } : { state: 'absent' };
}

/** The id of the resource that holds a child id ('.../virtualNetworks/v/subnets/s' → '.../virtualNetworks/v'). */
export function parentOfId(id: string, childSegment: string): string | undefined {
  const index = id.toLowerCase().lastIndexOf(`/${childSegment.toLowerCase()}/`);
  return index > 0 ? id.slice(0, index) : undefined;
}

export { sameId } from '#inventory';
export { lastSegment } from '../../../../lib/azure.ts';

/**
 * The resource of a type that an ARM id points at: matched by id (case-insensitively), or, for
 * template resources without an id, by name and resource group.
 */
export function findById(ctx: CheckContext, type: string, id: string): AzureResource | undefined {
  const byId = azureById(ctx, type).get(id.toLowerCase());
  if (byId !== undefined) {
    return byId;
  }
  // Resources without an id (from templates), by name: indexed once per scan.
  const withoutId = ctx.memo(memoKey('arm:without-id:', type), () => {
    const map = new Map<string, AzureResource[]>();
    for (const r of azureOfType(ctx, type)) {
      if (r.azure.id !== undefined) {
        continue;
      }
      const key = lastSegment(r.azure.name).toLowerCase();
      const list = map.get(key);
      if (list) {
        list.push(r);
      } else {
        map.set(key, [r]);
      }
    }
    return map;
  });
  const candidates = withoutId.get(lastSegment(id).toLowerCase());
  if (candidates === undefined) {
    return undefined;
  }
  const group = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1]?.toLowerCase();
  return candidates.find(
    (r) => group === undefined || r.azure.resourceGroup === undefined || r.azure.resourceGroup.toLowerCase() === group,
  );
}

/** Azure regions compare without case and spaces ('West Europe' is 'westeurope'). */
export function sameLocation(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  return a !== undefined && b !== undefined && norm(a) === norm(b);
}

/** The items of an array value, or undefined when the value is not an array. */
export function itemsOf(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
