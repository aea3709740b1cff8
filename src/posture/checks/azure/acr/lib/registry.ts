/**
 * Reading an Azure Container Registry (`Microsoft.ContainerRegistry/registries`) for the acr checks.
 * Several registry settings (network rules, disabled public access with private endpoints, content
 * trust, quarantine, export policy) exist on the Premium SKU only; messages say so when the
 * registry is on another SKU.
 * Sources: https://learn.microsoft.com/rest/api/containerregistry/registries/get,
 * https://learn.microsoft.com/azure/container-registry/container-registry-skus
 */
import { isUnresolved, type Violation } from '#core';
import type { CheckContext, CheckOutcome } from '../../../../check.ts';
import { type AzureResource, childrenOf, fieldOf, read, readArray, sameText, show } from '../../../../lib/azure.ts';

export const REGISTRY_TYPE = 'Microsoft.ContainerRegistry/registries';
export const CONNECTION_TYPE = 'Microsoft.ContainerRegistry/registries/privateEndpointConnections';

/** " (the registry is on the Basic SKU; this needs Premium)" when the SKU is known and not Premium, else "". */
export function premiumNote(registry: AzureResource, what = 'this needs Premium'): string {
  const sku = read(registry.azure, 'sku.name');
  if (sku.state !== 'set' || typeof sku.value !== 'string' || sameText(sku.value, 'Premium')) {
    return '';
  }
  return ` (the registry is on the ${sku.value} SKU; ${what})`;
}

/** The outcome with the Premium note appended to its last violation message. */
export function withPremiumNote(registry: AzureResource, outcome: CheckOutcome, what?: string): CheckOutcome {
  const note = premiumNote(registry, what);
  if (outcome.status !== 'fail' || note === '') {
    return outcome;
  }
  const last = outcome.violations.length - 1;
  const violations: Violation[] = outcome.violations.map((v, i) =>
    i === last ? { ...v, message: `${v.message}${note}` } : v,
  );
  return { ...outcome, violations };
}

function field(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  return fieldOf(value as Record<string, unknown>, key);
}

export interface ConnectionStates {
  /** Connection states read ("Approved", "Pending", "Rejected", "Disconnected"). */
  readonly states: readonly string[];
  /** Why some connections could not be read. */
  readonly unknown: readonly string[];
}

/**
 * The private endpoint connection states of a registry: from `properties.privateEndpointConnections`
 * (ARM shape `{properties: {privateLinkServiceConnectionState: {status}}}`, or flattened by
 * `az acr show`) and from `registries/privateEndpointConnections` child resources
 * (`az acr private-endpoint-connection list`).
 */
export function connectionStates(ctx: CheckContext, registry: AzureResource): ConnectionStates {
  const states: string[] = [];
  const unknown: string[] = [];
  const inline = readArray(registry.azure, 'properties.privateEndpointConnections');
  if (inline.state === 'unknown') {
    unknown.push(inline.reason);
  }
  for (const item of inline.items ?? []) {
    const state =
      field(field(field(item, 'properties'), 'privateLinkServiceConnectionState'), 'status') ??
      field(field(item, 'privateLinkServiceConnectionState'), 'status');
    if (isUnresolved(state)) {
      unknown.push(`a private endpoint connection's status is ${state.expression}, which ${state.reason}`);
    } else if (typeof state === 'string') {
      states.push(state);
    }
  }
  for (const child of childrenOf(ctx, registry, CONNECTION_TYPE)) {
    const state = read(child.azure, 'properties.privateLinkServiceConnectionState.status');
    if (state.state === 'unknown') {
      unknown.push(state.reason);
    } else if (state.state === 'set' && typeof state.value === 'string') {
      states.push(state.value);
    }
  }
  return { states, unknown };
}

/** Text of a list of states for messages: '"Pending", "Rejected"'. */
export function showStates(states: readonly string[]): string {
  return states.map(show).join(', ');
}
