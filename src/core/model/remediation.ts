/** How to fix a failed check: a sentence for people, and ready-to-apply fixes where they exist. */
export interface Remediation {
  /** One imperative sentence: what to change. */
  readonly summary: string;
  readonly steps?: readonly string[];
  /** YAML merge patch (strategic merge for workloads) that fixes the common case. */
  readonly kubernetesPatch?: string;
  /** `oc`/`kubectl` command that fixes the common case. */
  readonly command?: string;
  readonly azureCli?: string;
  readonly bicep?: string;
  /** Automation action that can apply the fix, if any (e.g. 'kubernetes:set-security-context'). */
  readonly action?: string;
}
