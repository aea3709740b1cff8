/**
 * Default check settings. Config files and flags override them (core/config).
 */
import type { CheckSettings } from './check.ts';
import { LATEST_PSS_VERSION } from './lib/pss-version.ts';

/**
 * Namespaces that belong to the platform rather than to workload owners: Kubernetes' own,
 * OpenShift's and ARO's, and the Azure agents'. Glob patterns ('*' matches any run of characters).
 */
export const DEFAULT_SYSTEM_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'openshift',
  'openshift-*',
  'azure-arc',
  'azure-arc-*',
  'gatekeeper-system',
  // The Defender for Containers sensor's namespace on Arc-enabled clusters (ARO).
  'mdc',
];

export const DEFAULT_SETTINGS: CheckSettings = Object.freeze({
  pssVersion: LATEST_PSS_VERSION,
  allowedRegistries: [],
  systemNamespaces: DEFAULT_SYSTEM_NAMESPACES,
  dangerousCapabilities: [],
  // No override: the OpenShift version checks judge by their calendars, as of the calendars' dates.
  openshiftSupport: {},
});
