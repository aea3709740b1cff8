/**
 * Azure resources in the shared model. An Azure resource read from an export (`az resource list`,
 * `az graph query`, `az <service> show`) or expanded from an ARM template is a Resource whose
 * `azure` view holds the normalised ARM object: the envelope (id, name, type, location, sku, kind,
 * identity, tags) and `properties`, in the shape the ARM REST API returns.
 *
 * Values in a template that cannot be resolved offline (`reference()`, `list*()`, a parameter with
 * no value and no default) are `Unresolved` markers inside `properties`, so that a check reading
 * them reports the finding as indeterminate, never as compliant.
 * Source: ARM REST API reference (https://learn.microsoft.com/rest/api/resources/), ARM template
 * syntax (https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax).
 */

/** A template value Palisade cannot know offline. Immutable; compare with `isUnresolved`. */
export class Unresolved {
  /** The template expression (or the part of it) that could not be evaluated: "[reference('x').y]". */
  readonly expression: string;
  /** Why: "reference() reads a deployed resource", "parameter 'sku' has no value and no default". */
  readonly reason: string;

  constructor(expression: string, reason: string) {
    this.expression = expression;
    this.reason = reason;
    Object.freeze(this);
  }
}

export function isUnresolved(value: unknown): value is Unresolved {
  return value instanceof Unresolved;
}

/** Where an Azure resource came from. */
export type AzureOrigin = 'export' | 'template';

/** The parts of an ARM resource id: /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{name}]... */
export interface ArmIdParts {
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  /** 'Microsoft.KeyVault/vaults' or, for children, 'Microsoft.Sql/servers/databases' (as written in the id). */
  readonly type?: string;
  /** Resource name segments: ['srv', 'db1'] for a child. */
  readonly names: readonly string[];
}

export interface AzureView {
  /** ARM id, as given; ARM ids compare case-insensitively (Resource Graph lowercases them). */
  readonly id?: string;
  /** Canonical resource type ('Microsoft.KeyVault/vaults'), whatever the case it was written in. */
  readonly type: string;
  /** The name as ARM gives it: 'kv1', or 'srv/db1' for a child resource in a template. */
  readonly name: string;
  readonly subscriptionId?: string;
  readonly resourceGroup?: string;
  readonly location?: string;
  /** API version the template declares; exports do not carry one. */
  readonly apiVersion?: string;
  /**
   * For extension resources (diagnostic settings, role assignments, Arc extensions): the id of the
   * resource they apply to.
   */
  readonly scope?: string;
  /** The parent resource, for child types (servers/databases, sites/config, ...). */
  readonly parent?: { readonly type: string; readonly name: string; readonly id?: string };
  /**
   * The normalised ARM object: envelope fields plus `properties` (always an object). Rows already
   * in the REST shape are kept as the input wrote them (`type` lowercased by Resource Graph): use
   * the view's `type` and `name`.
   */
  readonly arm: Readonly<Record<string, unknown>> & { readonly properties: Readonly<Record<string, unknown>> };
  readonly origin: AzureOrigin;
  /**
   * The input gave no properties at all (`az resource list` prints `properties: null`): every
   * property a check reads is unknown, and the check reports indeterminate.
   */
  readonly propertiesUnknown?: boolean;
  /** Why the properties are unknown, when it is not an export without properties (a template's `properties: "[reference(...)]"`). */
  readonly propertiesUnknownReason?: string;
  /**
   * Template resources whose `condition` could not be evaluated: the resource may not be deployed.
   * Its findings say so.
   */
  readonly condition?: Unresolved;
}
