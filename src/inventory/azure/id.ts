/**
 * ARM resource ids: /subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{childType}/{childName}]...
 * Extension resources (diagnostic settings, role assignments) append /providers/{ns}/{type}/{name}
 * to their scope's id; the last provider segment names the resource itself.
 * Source: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid
 */
import type { ArmIdParts } from '#core';

const SIMPLE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i;

/**
 * Split an ARM id. Returns undefined for text that is not an ARM id. The id is read left to right
 * as key/value pairs (subscriptions/{s}, resourceGroups/{rg}, providers/{namespace}, then
 * {type}/{name} pairs), so a resource or group that is itself named "providers" is read right; a
 * `providers` key after the type/name pairs starts an extension resource whose scope is the id so far.
 */
export function parseArmId(id: string): (ArmIdParts & { readonly scope?: string }) | undefined {
  // The common case, a top-level resource in a resource group, with one regular expression.
  const simple = SIMPLE_ID.exec(id);
  if (simple !== null && simple[3]?.toLowerCase() !== 'providers') {
    return {
      subscriptionId: simple[1] as string,
      resourceGroup: simple[2] as string,
      type: `${simple[3]}/${simple[4]}`,
      names: [simple[5] as string],
    };
  }
  if (!id.startsWith('/')) {
    return undefined;
  }
  const segments = id.split('/').slice(1);
  if (segments.length % 2 !== 0 || segments.some((s) => s === '')) {
    return undefined;
  }
  let i = 0;
  let subscriptionId: string | undefined;
  let resourceGroup: string | undefined;
  if (segments[i]?.toLowerCase() === 'subscriptions') {
    subscriptionId = segments[i + 1];
    i += 2;
    if (segments[i]?.toLowerCase() === 'resourcegroups') {
      resourceGroup = segments[i + 1];
      i += 2;
    }
  }
  const base = {
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    ...(resourceGroup === undefined ? {} : { resourceGroup }),
  };
  if (i === segments.length) {
    if (resourceGroup !== undefined) {
      return { ...base, type: 'Microsoft.Resources/resourceGroups', names: [resourceGroup] };
    }
    if (subscriptionId !== undefined) {
      return { ...base, type: 'Microsoft.Resources/subscriptions', names: [subscriptionId] };
    }
    return undefined;
  }
  // The last resource in the id: providers/{namespace}/{type}/{name}[/{type}/{name}]..., possibly
  // after another resource's type/name pairs (extension resources).
  let scopeEnd: number | undefined;
  let namespace: string | undefined;
  let types: string[] = [];
  let names: string[] = [];
  while (i < segments.length) {
    if (segments[i]?.toLowerCase() !== 'providers') {
      return undefined;
    }
    if (namespace !== undefined) {
      scopeEnd = i;
    }
    namespace = segments[i + 1];
    types = [];
    names = [];
    i += 2;
    // type/name pairs until the next `providers` key (at a type position) or the end
    while (i < segments.length && segments[i]?.toLowerCase() !== 'providers') {
      types.push(segments[i] as string);
      names.push(segments[i + 1] as string);
      i += 2;
    }
    if (types.length === 0) {
      return undefined;
    }
  }
  return {
    ...base,
    type: `${namespace}/${types.join('/')}`,
    names,
    ...(scopeEnd === undefined ? {} : { scope: `/${segments.slice(0, scopeEnd).join('/')}` }),
  };
}

/** The id of a resource's parent ('/.../servers/srv/databases/db' → '/.../servers/srv'), for child types. */
export function parentId(id: string): string | undefined {
  const parts = parseArmId(id);
  if (!parts || parts.names.length < 2) {
    return undefined;
  }
  return id.split('/').slice(0, -2).join('/');
}

/** ARM ids compare case-insensitively. */
export function sameId(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
