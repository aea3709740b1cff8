import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { dangerousCapabilities } from './dangerous-capabilities.ts';

function podAdding(add: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - name: app
      image: app:1
      securityContext: { capabilities: { drop: [ALL], add: ${add} } }
`;
}

describe('dangerous-capabilities', () => {
  const table: readonly (readonly [string, 'pass' | 'fail'])[] = [
    ['[NET_BIND_SERVICE]', 'pass'],
    ['[CHOWN, SETUID, SETGID]', 'pass'],
    ['[]', 'pass'],
    ['[SYS_ADMIN]', 'fail'],
    ['[CAP_SYS_ADMIN]', 'fail'],
    ['[sys_ptrace]', 'fail'],
    ['[Cap_Sys_Module]', 'fail'],
    ['[ALL]', 'fail'],
    ['[NET_ADMIN]', 'fail'],
    ['[BPF]', 'fail'],
    ['[NET_RAW]', 'pass'],
  ];
  for (const [add, status] of table) {
    it(`${add} → ${status}`, () => {
      assert.equal(runCheckOn(dangerousCapabilities, podAdding(add))[0]?.status, status);
    });
  }

  it('names every dangerous capability with what it enables, in every container kind', () => {
    const [finding] = runCheckOn(
      dangerousCapabilities,
      `
apiVersion: batch/v1
kind: CronJob
metadata: { name: tune, namespace: ops }
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          initContainers:
            - name: init
              image: tool:1
              securityContext: { capabilities: { add: [NET_BIND_SERVICE, cap_sys_time] } }
          containers:
            - name: main
              image: tool:1
              securityContext: { capabilities: { add: [SYS_ADMIN, SYS_PTRACE] } }
`,
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.capabilities.add[1]',
        message: 'container "init" adds capability cap_sys_time: setting the node\'s clock',
        container: 'init',
        actual: 'cap_sys_time',
      },
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add[0]',
        message:
          'container "main" adds capability SYS_ADMIN: mounting filesystems and most other administration, the usual container escape',
        container: 'main',
        actual: 'SYS_ADMIN',
      },
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add[1]',
        message: 'container "main" adds capability SYS_PTRACE: tracing and injecting code into other processes',
        container: 'main',
        actual: 'SYS_PTRACE',
      },
    ]);
  });

  it('adds the capabilities listed in settings.dangerousCapabilities, however they are spelled', () => {
    const yaml = `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
    - { name: app, image: app:1 }
  ephemeralContainers:
    - name: dbg
      image: dbg:1
      securityContext: { capabilities: { add: [IPC_LOCK] } }
`;
    assert.equal(runCheckOn(dangerousCapabilities, yaml)[0]?.status, 'pass');
    const [finding] = runCheckOn(dangerousCapabilities, yaml, { dangerousCapabilities: ['cap_ipc_lock'] });
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.ephemeralContainers[0].securityContext.capabilities.add[0]',
        message: 'container "dbg" adds capability IPC_LOCK: listed in settings.dangerousCapabilities',
        container: 'dbg',
        actual: 'IPC_LOCK',
      },
    ]);
  });
});
