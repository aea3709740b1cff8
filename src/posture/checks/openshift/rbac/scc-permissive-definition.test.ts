import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Violation } from '#core';
import type { CheckSettings } from '#posture/check.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sccPermissiveDefinition } from './scc-permissive-definition.ts';

interface Case {
  readonly name: string;
  readonly scc: string;
  readonly body: string;
  readonly status: Finding['status'];
  readonly violations?: readonly Violation[];
  readonly settings?: Partial<CheckSettings>;
}

const input = (c: Case) => `
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: { name: ${c.scc} }
allowPrivilegedContainer: false
allowHostIPC: false
allowHostPID: false
allowHostPorts: false
requiredDropCapabilities: [ALL]
fsGroup: { type: MustRunAs }
supplementalGroups: { type: RunAsAny }
${c.body}`;

const cases: readonly Case[] = [
  {
    name: 'a custom SCC with host network, host paths and root fails on each field',
    scc: 'agent',
    body: `allowHostNetwork: true
allowHostDirVolumePlugin: true
volumes: [configMap, hostPath]
runAsUser: { type: RunAsAny }
seLinuxContext: { type: MustRunAs }`,
    status: 'fail',
    violations: [
      { path: 'allowHostNetwork', message: 'allowHostNetwork: true allows pods to use the host network', actual: true },
      {
        path: 'allowHostDirVolumePlugin',
        message: 'allowHostDirVolumePlugin: true allows host directory (hostPath) volumes',
        actual: true,
      },
      {
        path: 'volumes[1]',
        message: 'volumes lists "hostPath", which allows mounting directories of the node',
        actual: 'hostPath',
      },
      {
        path: 'runAsUser.type',
        message: 'runAsUser.type RunAsAny lets pods run as any user ID, including root',
        actual: 'RunAsAny',
      },
    ],
  },
  {
    name: 'capabilities: "*", CAP_-prefixed and lower-case names, and settings.dangerousCapabilities',
    scc: 'caps',
    body: `allowHostNetwork: false
allowHostDirVolumePlugin: false
allowedCapabilities: [NET_BIND_SERVICE, cap_sys_admin, CHOWN]
defaultAddCapabilities: ["*"]
runAsUser: { type: MustRunAsRange }
seLinuxContext: { type: MustRunAs }`,
    settings: { dangerousCapabilities: ['CAP_CHOWN'] },
    status: 'fail',
    violations: [
      {
        path: 'allowedCapabilities[1]',
        message: 'allowedCapabilities lists SYS_ADMIN, a capability that weakens isolation from the host',
        actual: 'cap_sys_admin',
      },
      {
        path: 'allowedCapabilities[2]',
        message: 'allowedCapabilities lists CHOWN, a capability that weakens isolation from the host',
        actual: 'CHOWN',
      },
      {
        path: 'defaultAddCapabilities[0]',
        message: 'defaultAddCapabilities lists "*", which allows every capability',
        actual: '*',
      },
    ],
  },
  {
    name: 'a shipped SCC fails only beyond what it ships with (anyuid: RunAsAny is expected)',
    scc: 'anyuid',
    body: `allowHostNetwork: true
allowHostDirVolumePlugin: false
runAsUser: { type: RunAsAny }
seLinuxContext: { type: MustRunAs }`,
    status: 'fail',
    violations: [
      {
        path: 'allowHostNetwork',
        message: 'allowHostNetwork: true allows pods to use the host network, beyond what OpenShift ships it with',
        actual: true,
      },
    ],
  },
  {
    name: 'the shipped hostaccess SCC passes',
    scc: 'hostaccess',
    body: `allowHostNetwork: true
allowHostDirVolumePlugin: true
volumes: [configMap, hostPath, secret]
runAsUser: { type: MustRunAsRange }
seLinuxContext: { type: MustRunAs }`,
    status: 'pass',
  },
  {
    name: 'escalation by default and unconfined seccomp in a custom SCC',
    scc: 'legacy',
    body: `allowHostNetwork: false
allowHostDirVolumePlugin: false
allowPrivilegeEscalation: true
defaultAllowPrivilegeEscalation: true
seccompProfiles: [runtime/default, unconfined]
runAsUser: { type: MustRunAsNonRoot }
seLinuxContext: { type: MustRunAs }`,
    status: 'fail',
    violations: [
      {
        path: 'defaultAllowPrivilegeEscalation',
        message: 'defaultAllowPrivilegeEscalation: true lets containers gain privileges unless they opt out',
        actual: true,
      },
      {
        path: 'seccompProfiles[1]',
        message: 'seccompProfiles lists "unconfined", which allows running without a seccomp filter',
        actual: 'unconfined',
      },
    ],
  },
  {
    name: 'a restrictive custom SCC passes',
    scc: 'web',
    body: `allowHostNetwork: false
allowHostDirVolumePlugin: false
allowPrivilegeEscalation: false
volumes: [configMap, secret, emptyDir]
runAsUser: { type: MustRunAs, uid: 1001 }
seLinuxContext: { type: MustRunAs }`,
    status: 'pass',
  },
  {
    name: 'a field of the wrong type is an error naming it',
    scc: 'broken',
    body: 'allowHostNetwork: "yes"',
    status: 'error',
  },
];

describe('scc-permissive-definition', () => {
  for (const c of cases) {
    it(c.name, () => {
      const [finding, ...rest] = runCheckOn(sccPermissiveDefinition, input(c), c.settings);
      assert.ok(finding);
      assert.equal(rest.length, 0);
      assert.equal(finding.status, c.status, finding.reason ?? finding.message);
      if (c.violations) {
        assert.deepEqual(finding.violations, c.violations);
      }
      if (c.status === 'error') {
        assert.match(finding.reason ?? '', /allowHostNetwork/);
      }
    });
  }
});
