/**
 * Framework catalogues (PSS, CIS, MITRE ATT&CK, MCSB) and references into them.
 * The mapping lives in each check (`meta.frameworks`); the control text lives in the catalogue.
 */
export interface ControlRef {
  /** Framework catalogue id, e.g. 'cis-kubernetes-1.9'. Must exist in posture/frameworks. */
  readonly framework: string;
  /** Control id inside that framework, e.g. '5.2.2'. */
  readonly control: string;
}

export interface Control {
  readonly id: string;
  readonly title: string;
  /** Section heading, when the framework groups controls. */
  readonly section?: string;
  /** Whether a check can verify it; manual controls show up as such in compliance output. */
  readonly automated: boolean;
}

export interface Framework {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  /** Normative source URL. */
  readonly source: string;
  /** Frameworks whose controls this one includes (PSS restricted includes baseline). */
  readonly includes?: readonly string[];
  readonly controls: readonly Control[];
}
