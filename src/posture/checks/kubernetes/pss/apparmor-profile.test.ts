import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { apparmorProfile } from './apparmor-profile.ts';

const pod = (annotations: string, podProfile: string, appProfile: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations: ${annotations}
spec:
  securityContext: ${podProfile}
  containers:
  - {name: app, image: app:1, securityContext: ${appProfile}}
  ephemeralContainers:
  - {name: debugger, image: debug:1, securityContext: {appArmorProfile: {type: Unconfined}}}
`;

describe('apparmor-profile', () => {
  it('reports the pod, containers and annotations together, as upstream does', () => {
    const [finding] = runCheckOn(
      apparmorProfile,
      pod(
        '{container.apparmor.security.beta.kubernetes.io/app: unconfined, container.apparmor.security.beta.kubernetes.io/setup: runtime/default}',
        '{appArmorProfile: {type: Unconfined}}',
        '{appArmorProfile: {type: Localhost, localhostProfile: shop}}',
      ),
      { pssVersion: { major: 1, minor: 20 } },
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.message,
      'Pod "shop/web" violates PodSecurity "baseline:v1.20": forbidden AppArmor profiles (pod and container "debugger" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.securityContext.appArmorProfile.type',
        message: 'pod must not set AppArmor profile type to "Unconfined"',
        actual: 'Unconfined',
      },
      {
        path: 'spec.ephemeralContainers[0].securityContext.appArmorProfile.type',
        message: 'container "debugger" must not set AppArmor profile type to "Unconfined"',
        container: 'debugger',
        actual: 'Unconfined',
      },
      {
        path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
        message:
          'annotation container.apparmor.security.beta.kubernetes.io/app must not set AppArmor profile "unconfined"',
        container: 'app',
        actual: 'unconfined',
      },
    ]);
  });

  it('allows RuntimeDefault and Localhost types and the allowed annotation values', () => {
    const yaml = pod(
      '{container.apparmor.security.beta.kubernetes.io/app: "localhost/shop", container.apparmor.security.beta.kubernetes.io/x: ""}',
      '{appArmorProfile: {type: RuntimeDefault}}',
      '{appArmorProfile: {type: Localhost, localhostProfile: shop}}',
    ).replace('type: Unconfined}}}', 'type: RuntimeDefault}}}');
    assert.equal(runCheckOn(apparmorProfile, yaml)[0]?.status, 'pass');
  });
});
