/** How to fix a failed check: a sentence for people, and ready-to-apply fixes where they exist. */
export interface Remediation {
  /** One imperative sentence: what to change. */
  readonly summary: string;
  readonly steps?: readonly string[];
  /** YAML merge patch (strategic merge for workloads) that fixes the common case. */
  readonly kubernetesPatch?: string;
  /** `oc`/`kubectl` command that fixes the common case. */
  readonly command?: string;
  /**
   * `az` command that fixes the common case. For Azure resources `{name}`, `{resourceGroup}`,
   * `{subscriptionId}`, `{id}` and `{parentName}` are replaced with the resource's values in each finding.
   */
  readonly azureCli?: string;
  /**
   * JSON merge-patch body for `PATCH {id}?api-version=...` on the resource (the same placeholders),
   * or, for an OpenShift object, see `kubernetesPatch`.
   */
  readonly armPatch?: string;
  /** API version the ARM patch was written for. */
  readonly armApiVersion?: string;
  readonly bicep?: string;
  /** Automation action that can apply the fix, if any (e.g. 'kubernetes:set-security-context'). */
  readonly action?: string;
}
