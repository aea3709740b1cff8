/**
 * What a decoded document is, by its content: a Kubernetes or OpenShift object, an Azure resource
 * from an export, an ARM deployment template, or an ARM parameters file. `palisade scan` mixes them
 * freely in one directory.
 */

import type { SourceRef } from '#core';
import { fromExport, fromVaultItem, isAzureExportObject, isVaultItem } from './azure/export.ts';
import { type ToResourceResult, toResource } from './resource.ts';

export type DocumentKind = 'kubernetes' | 'azure' | 'arm-template' | 'arm-parameters';

const TEMPLATE_SCHEMA = /deploymentTemplate\.json#?$/i;
const PARAMETERS_SCHEMA = /deploymentParameters\.json#?$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * ARM templates and parameter files name their JSON schema
 * (https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#, and the
 * subscription, management group and tenant variants).
 */
export function documentKind(value: unknown): DocumentKind {
  if (isRecord(value)) {
    const schema = value.$schema;
    if (typeof schema === 'string') {
      if (TEMPLATE_SCHEMA.test(schema)) {
        return 'arm-template';
      }
      if (PARAMETERS_SCHEMA.test(schema)) {
        return 'arm-parameters';
      }
    }
    if (isAzureExportObject(value) || isVaultItem(value)) {
      return 'azure';
    }
  }
  return 'kubernetes';
}

/**
 * A Kubernetes object or an exported Azure resource (templates are expanded by the loader). A
 * caller that has classified the document already passes its kind.
 */
export function toAnyResource(
  value: unknown,
  source: SourceRef,
  kind: DocumentKind = documentKind(value),
): ToResourceResult {
  if (kind !== 'azure') {
    return toResource(value, source);
  }
  const record = value as Record<string, unknown>;
  return isVaultItem(record) ? fromVaultItem(record, source) : fromExport(record, source);
}
