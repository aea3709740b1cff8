/**
 * SecurityContextConstraints must not allow privileged or host-level pods beyond what OpenShift's
 * own SCCs are shipped to allow.
 * Reads: allowPrivilegedContainer, allowHostNetwork, allowHostPID, allowHostIPC, allowHostPorts,
 *   allowHostDirVolumePlugin, volumes, runAsUser.type, seLinuxContext.type, allowedCapabilities,
 *   defaultAddCapabilities, allowedUnsafeSysctls, defaultAllowPrivilegeEscalation, seccompProfiles.
 * Fails on, one violation each at the field's path:
 * - allowPrivilegedContainer, allowHostNetwork, allowHostPID, allowHostIPC, allowHostPorts or
 *   allowHostDirVolumePlugin set to true;
 * - "hostPath" or "*" in volumes;
 * - runAsUser.type RunAsAny (root allowed) or seLinuxContext.type RunAsAny (any SELinux label,
 *   spc_t included);
 * - "*" or a dangerous capability (lib/rbac.ts DANGEROUS_CAPABILITIES, NET_RAW and SYS_ADMIN among
 *   them, plus settings.dangerousCapabilities) in allowedCapabilities or defaultAddCapabilities;
 * - "*" in allowedUnsafeSysctls;
 * - defaultAllowPrivilegeEscalation: true (containers may gain privileges unless they opt out);
 * - "*" or "unconfined" in seccompProfiles.
 * The SCCs OpenShift ships are expected to be permissive and are judged by who can use them
 * (scc-use-privileged); here they fail only on settings beyond what they ship with (the table
 * DEFAULT_SCCS in lib/rbac.ts: privileged allows everything, anyuid runAsUser RunAsAny, hostaccess
 * host namespaces and hostPath, ...), so a restricted-v2 edited to allow host networking fails.
 * Source: CIS OpenShift Benchmark 1.5 5.2.1-5.2.9; OpenShift "Managing security context constraints";
 *   SCC manifests in openshift/cluster-kube-apiserver-operator.
 */
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { DEFAULT_SCCS, SCC_GROUP, unexpectedSccFindings } from '../../../lib/rbac.ts';

export const sccPermissiveDefinition = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0002',
    slug: 'scc-permissive-definition',
    title: 'SecurityContextConstraints allow privileged or host-level pods',
    description:
      'An SCC decides what pods admitted under it may do. One that allows privileged containers, host namespaces, host paths, root or dangerous capabilities lets every pod that can use it escape to the node.',
    severity: 'high',
    maturity: 'stable',
    targets: [{ kind: 'SecurityContextConstraints', apiGroup: SCC_GROUP }],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'cis-openshift-1.5', control: '5.2.1' },
      { framework: 'cis-openshift-1.5', control: '5.2.2' },
      { framework: 'cis-openshift-1.5', control: '5.2.3' },
      { framework: 'cis-openshift-1.5', control: '5.2.4' },
      { framework: 'cis-openshift-1.5', control: '5.2.5' },
      { framework: 'cis-openshift-1.5', control: '5.2.6' },
      { framework: 'cis-openshift-1.5', control: '5.2.7' },
      { framework: 'cis-openshift-1.5', control: '5.2.8' },
      { framework: 'cis-openshift-1.5', control: '5.2.9' },
      { framework: 'mitre-attack-containers', control: 'T1611' },
      { framework: 'mcsb-v1', control: 'PV-2' },
      { framework: 'mcsb-v1', control: 'PA-7' },
    ],
    remediation: {
      summary:
        'Base custom SCCs on restricted-v2 and allow only the one host feature the workload needs, or use an SCC OpenShift ships.',
      kubernetesPatch:
        'allowPrivilegedContainer: false\nallowHostNetwork: false\nallowHostPID: false\nallowHostIPC: false\nallowHostPorts: false\nallowHostDirVolumePlugin: false\nrunAsUser:\n  type: MustRunAsRange\nseLinuxContext:\n  type: MustRunAs\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/security_apis/securitycontextconstraints-security-openshift-io-v1.html',
    ],
  },
  evaluate(resource, ctx) {
    const beyond = DEFAULT_SCCS.has(resource.name) ? ', beyond what OpenShift ships it with' : '';
    return outcome(
      unexpectedSccFindings(resource, ctx.settings).map((finding) => ({
        path: finding.path,
        message: `${finding.message}${beyond}`,
        actual: finding.actual,
      })),
    );
  },
});
