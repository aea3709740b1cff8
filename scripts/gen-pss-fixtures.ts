/**
 * Generate the Pod Security Standards fixtures: test/fixtures/posture/kubernetes/pss/<slug>/{pass,fail}/<scenario>.yaml.
 *
 * The idea follows upstream's fixture generator: start from the minimal pod that a level admits at
 * a policy version, change one thing, and record whether that level must admit the result. The
 * cases below are Palisade's own, written from the standard and the version history in docs/pss.md.
 * Each fixture names its policy version on its first line (`# settings: {"pssVersion":"v1.N"}`)
 * when the version matters, and is wrapped in one of the workload kinds Palisade reads.
 *
 *   node scripts/gen-pss-fixtures.ts          write the fixtures (and delete stale ones)
 *   UPDATE_PSS_FIXTURES=1 node --test src/posture/checks/kubernetes/pss/parity.test.ts   same, from the test
 *
 * src/posture/checks/kubernetes/pss/parity.test.ts fails when the committed files differ.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { LATEST_PSS_VERSION } from '../src/posture/lib/pss-version.ts';

export type PssFixtureLevel = 'baseline' | 'restricted';
export type WorkloadKindName =
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController'
  | 'PodTemplate'
  | 'DeploymentConfig';

/** Free-form Kubernetes JSON (fields the cases do not touch by name). */
export type JsonObject = { [key: string]: unknown };

export interface ContainerObject extends JsonObject {
  name: string;
  image: string;
  securityContext?: JsonObject;
}

export interface PodSpecObject extends JsonObject {
  containers: ContainerObject[];
  initContainers: ContainerObject[];
  ephemeralContainers?: ContainerObject[];
  securityContext?: JsonObject;
}

/** A pod as plain JSON, mutable while a case tweaks it. */
export interface PodObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: PodSpecObject;
}

export interface PssFixtureCase {
  /** Slug of the check the fixture belongs to. */
  readonly slug: string;
  /** Level the check belongs to; the fixture starts from that level's minimal pod. */
  readonly level: PssFixtureLevel;
  readonly outcome: 'pass' | 'fail';
  /** File name without extension. */
  readonly scenario: string;
  /** Policy minor version (v1.N); unset means the newest (no settings line). */
  readonly minor?: number;
  readonly kind?: WorkloadKindName;
  readonly tweak: (pod: PodObject) => void;
}

const IMAGE = 'registry.example.com/shop/app:1.4.2';
const SIDECAR_IMAGE = 'registry.example.com/shop/setup:1.4.2';
const DEBUG_IMAGE = 'registry.example.com/tools/debug:2.1.0';

/**
 * The minimal pod a level admits at policy version v1.`minor`: one init container and one
 * container; restricted adds what the restricted level requires at that version.
 */
export function minimalPod(level: PssFixtureLevel, minor: number = LATEST_PSS_VERSION.minor): PodObject {
  const pod: PodObject = {
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      initContainers: [{ name: 'setup', image: SIDECAR_IMAGE }],
      containers: [{ name: 'app', image: IMAGE }],
    },
  };
  if (level === 'baseline') {
    return pod;
  }
  const podContext: JsonObject = { runAsNonRoot: true };
  if (minor >= 19) {
    podContext.seccompProfile = { type: 'RuntimeDefault' };
  }
  pod.spec.securityContext = podContext;
  for (const container of [...pod.spec.initContainers, ...pod.spec.containers]) {
    const context: JsonObject = {};
    if (minor >= 8) {
      context.allowPrivilegeEscalation = false;
    }
    if (minor >= 22) {
      context.capabilities = { drop: ['ALL'] };
    }
    if (Object.keys(context).length > 0) {
      container.securityContext = context;
    }
  }
  return pod;
}

/** A fully hardened pod that both levels admit at every policy version. */
export function hardenedPod(): PodObject {
  return minimalPod('restricted', LATEST_PSS_VERSION.minor);
}

/** An ephemeral container shaped like the pod's others (restricted settings when the pod has them). */
export function addEphemeral(pod: PodObject, securityContext?: JsonObject): ContainerObject {
  const reference = pod.spec.containers[0]?.securityContext;
  const container: ContainerObject = { name: 'debugger', image: DEBUG_IMAGE, targetContainerName: 'app' };
  const context = { ...(reference ?? {}), ...(securityContext ?? {}) };
  if (Object.keys(context).length > 0) {
    container.securityContext = structuredClone(context);
  }
  pod.spec.ephemeralContainers = [...(pod.spec.ephemeralContainers ?? []), container];
  return container;
}

/** The first regular container. */
export function app(pod: PodObject): ContainerObject {
  const container = pod.spec.containers[0];
  if (!container) {
    throw new Error('pod has no container');
  }
  return container;
}

/** The first init container. */
export function setup(pod: PodObject): ContainerObject {
  const container = pod.spec.initContainers[0];
  if (!container) {
    throw new Error('pod has no init container');
  }
  return container;
}

/** The container's security context, created when missing. */
export function sc(container: ContainerObject): JsonObject {
  container.securityContext ??= {};
  return container.securityContext;
}

/** The pod's security context, created when missing. */
export function podSc(pod: PodObject): JsonObject {
  pod.spec.securityContext ??= {};
  return pod.spec.securityContext;
}

export function annotate(pod: PodObject, key: string, value: string): void {
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [key]: value };
}

const C = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

function baseline(
  slug: string,
  outcome: 'pass' | 'fail',
  scenario: string,
  rest: Omit<PssFixtureCase, 'slug' | 'level' | 'outcome' | 'scenario'>,
): PssFixtureCase {
  return { slug, level: 'baseline', outcome, scenario, ...rest };
}

function restricted(
  slug: string,
  outcome: 'pass' | 'fail',
  scenario: string,
  rest: Omit<PssFixtureCase, 'slug' | 'level' | 'outcome' | 'scenario'>,
): PssFixtureCase {
  return { slug, level: 'restricted', outcome, scenario, ...rest };
}

/** Every generated fixture. Each fails or passes its own check and, as a pod, its own level. */
export const PSS_FIXTURE_CASES: readonly PssFixtureCase[] = [
  // host-namespaces
  baseline('host-namespaces', 'fail', 'host-network', {
    tweak: (p) => {
      p.spec.hostNetwork = true;
    },
  }),
  baseline('host-namespaces', 'fail', 'host-pid', {
    kind: 'Deployment',
    tweak: (p) => {
      p.spec.hostPID = true;
    },
  }),
  baseline('host-namespaces', 'fail', 'host-ipc', {
    kind: 'DaemonSet',
    tweak: (p) => {
      p.spec.hostIPC = true;
    },
  }),
  baseline('host-namespaces', 'fail', 'all-host-namespaces-v1-0', {
    minor: 0,
    kind: 'CronJob',
    tweak: (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }),
  }),
  baseline('host-namespaces', 'pass', 'host-namespaces-false', {
    tweak: (p) => Object.assign(p.spec, { hostNetwork: false, hostPID: false, hostIPC: false }),
  }),
  baseline('host-namespaces', 'pass', 'no-host-namespaces', { kind: 'DeploymentConfig', tweak: () => undefined }),

  // privileged
  baseline('privileged', 'fail', 'container-privileged', {
    tweak: (p) => {
      sc(app(p)).privileged = true;
    },
  }),
  baseline('privileged', 'fail', 'init-container-privileged', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(setup(p)).privileged = true;
    },
  }),
  baseline('privileged', 'fail', 'ephemeral-container-privileged', {
    tweak: (p) => void addEphemeral(p, { privileged: true }),
  }),
  baseline('privileged', 'fail', 'privileged-v1-0', {
    minor: 0,
    kind: 'Job',
    tweak: (p) => {
      sc(app(p)).privileged = true;
    },
  }),
  baseline('privileged', 'pass', 'privileged-false', {
    kind: 'StatefulSet',
    tweak: (p) => {
      sc(app(p)).privileged = false;
      sc(setup(p)).privileged = false;
    },
  }),
  baseline('privileged', 'pass', 'privileged-unset', { kind: 'CronJob', tweak: () => undefined }),

  // capabilities-baseline
  baseline('capabilities-baseline', 'fail', 'add-sys-admin', {
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['SYS_ADMIN'] };
    },
  }),
  baseline('capabilities-baseline', 'fail', 'add-net-raw', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['NET_BIND_SERVICE', 'NET_RAW'] };
    },
  }),
  baseline('capabilities-baseline', 'fail', 'cap-prefixed-name', {
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['CAP_CHOWN'] };
    },
  }),
  baseline('capabilities-baseline', 'fail', 'lowercase-name', {
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['chown'] };
    },
  }),
  baseline('capabilities-baseline', 'fail', 'init-container-add-net-admin', {
    kind: 'Job',
    tweak: (p) => {
      sc(setup(p)).capabilities = { add: ['NET_ADMIN'] };
    },
  }),
  baseline('capabilities-baseline', 'fail', 'ephemeral-container-add-sys-ptrace', {
    tweak: (p) => void addEphemeral(p, { capabilities: { add: ['SYS_PTRACE'] } }),
  }),
  baseline('capabilities-baseline', 'pass', 'add-default-capabilities', {
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['CHOWN', 'KILL', 'NET_BIND_SERVICE', 'SETUID', 'SYS_CHROOT'] };
    },
  }),
  baseline('capabilities-baseline', 'pass', 'drop-only', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).capabilities = { drop: ['NET_RAW'] };
    },
  }),
  baseline('capabilities-baseline', 'pass', 'no-capabilities', { kind: 'DeploymentConfig', tweak: () => undefined }),

  // hostpath-volumes
  baseline('hostpath-volumes', 'fail', 'hostpath-volume', {
    tweak: (p) => {
      p.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }];
    },
  }),
  baseline('hostpath-volumes', 'fail', 'container-runtime-socket', {
    kind: 'DaemonSet',
    tweak: (p) => {
      p.spec.volumes = [
        { name: 'cache', emptyDir: {} },
        { name: 'containerd', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } },
      ];
    },
  }),
  baseline('hostpath-volumes', 'pass', 'emptydir-volume', {
    kind: 'Deployment',
    tweak: (p) => {
      p.spec.volumes = [{ name: 'cache', emptyDir: { sizeLimit: '64Mi' } }];
    },
  }),
  baseline('hostpath-volumes', 'pass', 'nfs-volume', {
    tweak: (p) => {
      p.spec.volumes = [{ name: 'shared', nfs: { server: 'nfs.example.com', path: '/exports/shop' } }];
    },
  }),

  // host-ports
  baseline('host-ports', 'fail', 'host-port', {
    tweak: (p) => {
      app(p).ports = [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }];
    },
  }),
  baseline('host-ports', 'fail', 'init-container-host-port', {
    kind: 'Deployment',
    tweak: (p) => {
      setup(p).ports = [{ containerPort: 9000, hostPort: 19000 }];
    },
  }),
  baseline('host-ports', 'fail', 'ephemeral-container-host-port', {
    tweak: (p) => {
      const debug = addEphemeral(p);
      debug.ports = [{ containerPort: 2345, hostPort: 2345 }];
    },
  }),
  baseline('host-ports', 'pass', 'host-port-zero', {
    tweak: (p) => {
      app(p).ports = [{ containerPort: 8080, hostPort: 0 }];
    },
  }),
  baseline('host-ports', 'pass', 'container-port-only', {
    kind: 'ReplicaSet',
    tweak: (p) => {
      app(p).ports = [{ name: 'http', containerPort: 8080 }];
    },
  }),

  // apparmor-profile
  baseline('apparmor-profile', 'fail', 'pod-unconfined', {
    tweak: (p) => {
      podSc(p).appArmorProfile = { type: 'Unconfined' };
    },
  }),
  baseline('apparmor-profile', 'fail', 'container-unconfined', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).appArmorProfile = { type: 'Unconfined' };
    },
  }),
  baseline('apparmor-profile', 'fail', 'ephemeral-container-unconfined', {
    tweak: (p) => void addEphemeral(p, { appArmorProfile: { type: 'Unconfined' } }),
  }),
  baseline('apparmor-profile', 'fail', 'annotation-unconfined', {
    tweak: (p) => annotate(p, `${C}app`, 'unconfined'),
  }),
  baseline('apparmor-profile', 'fail', 'annotation-unconfined-v1-0', {
    minor: 0,
    kind: 'StatefulSet',
    tweak: (p) => annotate(p, `${C}setup`, 'unconfined'),
  }),
  baseline('apparmor-profile', 'fail', 'field-unconfined-v1-29', {
    minor: 29,
    tweak: (p) => {
      sc(setup(p)).appArmorProfile = { type: 'Unconfined' };
    },
  }),
  baseline('apparmor-profile', 'pass', 'runtime-default', {
    tweak: (p) => {
      podSc(p).appArmorProfile = { type: 'RuntimeDefault' };
    },
  }),
  baseline('apparmor-profile', 'pass', 'localhost-profile', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-shop-app' };
    },
  }),
  baseline('apparmor-profile', 'pass', 'annotations-allowed', {
    tweak: (p) => {
      annotate(p, `${C}app`, 'runtime/default');
      annotate(p, `${C}setup`, 'localhost/k8s-shop-setup');
    },
  }),

  // selinux-options
  baseline('selinux-options', 'fail', 'pod-type-spc-t', {
    tweak: (p) => {
      podSc(p).seLinuxOptions = { type: 'spc_t' };
    },
  }),
  baseline('selinux-options', 'fail', 'container-user', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).seLinuxOptions = { user: 'system_u' };
    },
  }),
  baseline('selinux-options', 'fail', 'container-role', {
    tweak: (p) => {
      sc(app(p)).seLinuxOptions = { role: 'system_r' };
    },
  }),
  baseline('selinux-options', 'fail', 'init-container-custom-type', {
    kind: 'Job',
    tweak: (p) => {
      sc(setup(p)).seLinuxOptions = { type: 'unconfined_t' };
    },
  }),
  baseline('selinux-options', 'fail', 'container-engine-type-v1-30', {
    minor: 30,
    tweak: (p) => {
      sc(app(p)).seLinuxOptions = { type: 'container_engine_t' };
    },
  }),
  baseline('selinux-options', 'pass', 'container-t', {
    tweak: (p) => {
      podSc(p).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' };
    },
  }),
  baseline('selinux-options', 'pass', 'container-engine-type-v1-31', {
    minor: 31,
    kind: 'DeploymentConfig',
    tweak: (p) => {
      sc(app(p)).seLinuxOptions = { type: 'container_engine_t' };
    },
  }),
  baseline('selinux-options', 'pass', 'level-only', {
    tweak: (p) => {
      sc(app(p)).seLinuxOptions = { level: 's0:c1,c2' };
    },
  }),

  // proc-mount
  baseline('proc-mount', 'fail', 'unmasked', {
    tweak: (p) => {
      sc(app(p)).procMount = 'Unmasked';
    },
  }),
  baseline('proc-mount', 'fail', 'init-container-unmasked', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(setup(p)).procMount = 'Unmasked';
    },
  }),
  baseline('proc-mount', 'fail', 'user-namespace-unmasked-v1-34', {
    minor: 34,
    tweak: (p) => {
      p.spec.hostUsers = false;
      sc(app(p)).procMount = 'Unmasked';
    },
  }),
  baseline('proc-mount', 'pass', 'default-proc-mount', {
    tweak: (p) => {
      sc(app(p)).procMount = 'Default';
    },
  }),

  // seccomp-baseline
  baseline('seccomp-baseline', 'fail', 'pod-unconfined', {
    tweak: (p) => {
      podSc(p).seccompProfile = { type: 'Unconfined' };
    },
  }),
  baseline('seccomp-baseline', 'fail', 'container-unconfined', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).seccompProfile = { type: 'Unconfined' };
    },
  }),
  baseline('seccomp-baseline', 'fail', 'pod-annotation-unconfined-v1-18', {
    minor: 18,
    tweak: (p) => annotate(p, SECCOMP_POD, 'unconfined'),
  }),
  baseline('seccomp-baseline', 'fail', 'container-annotation-unconfined-v1-18', {
    minor: 18,
    kind: 'CronJob',
    tweak: (p) => annotate(p, `${SECCOMP_CONTAINER}setup`, 'unconfined'),
  }),
  baseline('seccomp-baseline', 'fail', 'empty-annotation-v1-0', {
    minor: 0,
    tweak: (p) => annotate(p, SECCOMP_POD, ''),
  }),
  baseline('seccomp-baseline', 'pass', 'runtime-default', {
    tweak: (p) => {
      podSc(p).seccompProfile = { type: 'RuntimeDefault' };
    },
  }),
  baseline('seccomp-baseline', 'pass', 'localhost-profile', {
    kind: 'StatefulSet',
    tweak: (p) => {
      sc(app(p)).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/shop.json' };
    },
  }),
  baseline('seccomp-baseline', 'pass', 'annotation-unconfined-v1-19', {
    minor: 19,
    tweak: (p) => annotate(p, SECCOMP_POD, 'unconfined'),
  }),
  baseline('seccomp-baseline', 'pass', 'field-unconfined-v1-18', {
    minor: 18,
    tweak: (p) => {
      podSc(p).seccompProfile = { type: 'Unconfined' };
    },
  }),
  baseline('seccomp-baseline', 'pass', 'annotations-allowed-v1-18', {
    minor: 18,
    tweak: (p) => {
      annotate(p, SECCOMP_POD, 'docker/default');
      annotate(p, `${SECCOMP_CONTAINER}app`, 'localhost/profiles/shop.json');
      annotate(p, `${SECCOMP_CONTAINER}setup`, 'runtime/default');
    },
  }),

  // sysctls
  baseline('sysctls', 'fail', 'unsafe-sysctl', {
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
    },
  }),
  baseline('sysctls', 'fail', 'slash-spelling', {
    kind: 'Deployment',
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net/ipv4/tcp_syncookies', value: '1' }];
    },
  }),
  baseline('sysctls', 'fail', 'reserved-ports-v1-26', {
    minor: 26,
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net.ipv4.ip_local_reserved_ports', value: '30000-30100' }];
    },
  }),
  baseline('sysctls', 'fail', 'keepalive-v1-28', {
    minor: 28,
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }];
    },
  }),
  baseline('sysctls', 'fail', 'tcp-rmem-v1-31', {
    minor: 31,
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }];
    },
  }),
  baseline('sysctls', 'fail', 'slow-start-v1-36', {
    minor: 36,
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' }];
    },
  }),
  baseline('sysctls', 'pass', 'safe-sysctls-v1-0', {
    minor: 0,
    tweak: (p) => {
      podSc(p).sysctls = [
        { name: 'kernel.shm_rmid_forced', value: '1' },
        { name: 'net.ipv4.ip_local_port_range', value: '32768 60999' },
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '80' },
        { name: 'net.ipv4.tcp_syncookies', value: '1' },
        { name: 'net.ipv4.ping_group_range', value: '0 2147483647' },
      ];
    },
  }),
  baseline('sysctls', 'pass', 'reserved-ports-v1-27', {
    minor: 27,
    tweak: (p) => {
      podSc(p).sysctls = [{ name: 'net.ipv4.ip_local_reserved_ports', value: '30000-30100' }];
    },
  }),
  baseline('sysctls', 'pass', 'keepalive-v1-29', {
    minor: 29,
    kind: 'StatefulSet',
    tweak: (p) => {
      podSc(p).sysctls = [
        { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
        { name: 'net.ipv4.tcp_fin_timeout', value: '30' },
        { name: 'net.ipv4.tcp_keepalive_intvl', value: '60' },
        { name: 'net.ipv4.tcp_keepalive_probes', value: '5' },
      ];
    },
  }),
  baseline('sysctls', 'pass', 'tcp-buffers-v1-32', {
    minor: 32,
    tweak: (p) => {
      podSc(p).sysctls = [
        { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' },
        { name: 'net.ipv4.tcp_wmem', value: '4096 16384 4194304' },
      ];
    },
  }),
  baseline('sysctls', 'pass', 'slow-start-v1-37', {
    minor: 37,
    tweak: (p) => {
      podSc(p).sysctls = [
        { name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' },
        { name: 'net.ipv4.tcp_notsent_lowat', value: '16384' },
      ];
    },
  }),

  // windows-host-process
  baseline('windows-host-process', 'fail', 'pod-host-process', {
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      p.spec.hostNetwork = false;
      podSc(p).windowsOptions = { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' };
    },
  }),
  baseline('windows-host-process', 'fail', 'container-host-process', {
    kind: 'DaemonSet',
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      sc(app(p)).windowsOptions = { hostProcess: true };
    },
  }),
  baseline('windows-host-process', 'pass', 'host-process-false', {
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      podSc(p).windowsOptions = { hostProcess: false, runAsUserName: 'ContainerUser' };
    },
  }),

  // host-probes-lifecycle
  baseline('host-probes-lifecycle', 'fail', 'liveness-http-host', {
    tweak: (p) => {
      app(p).livenessProbe = { httpGet: { host: '169.254.169.254', path: '/healthz', port: 8080 } };
    },
  }),
  baseline('host-probes-lifecycle', 'fail', 'readiness-tcp-host', {
    kind: 'Deployment',
    tweak: (p) => {
      app(p).readinessProbe = { tcpSocket: { host: 'db.internal', port: 5432 } };
    },
  }),
  baseline('host-probes-lifecycle', 'fail', 'startup-localhost-v1-34', {
    minor: 34,
    tweak: (p) => {
      app(p).startupProbe = { httpGet: { host: 'localhost', path: '/started', port: 8080 } };
    },
  }),
  baseline('host-probes-lifecycle', 'fail', 'post-start-http-host', {
    kind: 'StatefulSet',
    tweak: (p) => {
      app(p).lifecycle = { postStart: { httpGet: { host: '10.0.0.1', path: '/hook', port: 80 } } };
    },
  }),
  baseline('host-probes-lifecycle', 'fail', 'pre-stop-tcp-host', {
    tweak: (p) => {
      app(p).lifecycle = { preStop: { tcpSocket: { host: '127.0.0.1', port: 10250 } } };
    },
  }),
  baseline('host-probes-lifecycle', 'fail', 'init-container-probe-host', {
    kind: 'Job',
    tweak: (p) => {
      setup(p).startupProbe = { tcpSocket: { host: 'node.local', port: 22 } };
    },
  }),
  baseline('host-probes-lifecycle', 'pass', 'probes-without-host', {
    tweak: (p) => {
      app(p).livenessProbe = { httpGet: { path: '/healthz', port: 8080 } };
      app(p).readinessProbe = { tcpSocket: { port: 8080 } };
      app(p).lifecycle = { preStop: { exec: { command: ['/bin/drain'] } } };
    },
  }),
  baseline('host-probes-lifecycle', 'pass', 'empty-host', {
    kind: 'Deployment',
    tweak: (p) => {
      app(p).livenessProbe = { httpGet: { host: '', path: '/healthz', port: 8080 } };
    },
  }),

  // volume-types (restricted)
  restricted('volume-types', 'fail', 'nfs-volume', {
    tweak: (p) => {
      p.spec.volumes = [{ name: 'shared', nfs: { server: 'nfs.example.com', path: '/exports' } }];
    },
  }),
  restricted('volume-types', 'fail', 'hostpath-volume', {
    kind: 'Deployment',
    tweak: (p) => {
      p.spec.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
    },
  }),
  restricted('volume-types', 'fail', 'git-repo-v1-0', {
    minor: 0,
    tweak: (p) => {
      p.spec.volumes = [{ name: 'src', gitRepo: { repository: 'https://git.example.com/shop.git' } }];
    },
  }),
  restricted('volume-types', 'pass', 'volume-without-source', {
    // The API server defaults a volume with no source to emptyDir before admission.
    kind: 'StatefulSet',
    tweak: (p) => {
      p.spec.volumes = [{ name: 'scratch' }];
    },
  }),
  restricted('volume-types', 'fail', 'cephfs-volume', {
    kind: 'StatefulSet',
    tweak: (p) => {
      p.spec.volumes = [
        { name: 'cache', emptyDir: {} },
        { name: 'shared', cephfs: { monitors: ['10.16.154.78:6789'], path: '/shop' } },
      ];
    },
  }),
  restricted('volume-types', 'pass', 'allowed-volume-types', {
    tweak: (p) => {
      p.spec.volumes = [
        { name: 'config', configMap: { name: 'shop-config' } },
        { name: 'certs', secret: { secretName: 'shop-tls' } },
        { name: 'cache', emptyDir: {} },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        {
          name: 'token',
          projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] },
        },
        { name: 'data', persistentVolumeClaim: { claimName: 'shop-data' } },
        { name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true } },
        {
          name: 'scratch',
          ephemeral: {
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          },
        },
        { name: 'models', image: { reference: 'registry.example.com/shop/models:3', pullPolicy: 'IfNotPresent' } },
      ];
    },
  }),
  restricted('volume-types', 'pass', 'image-volume-v1-0', {
    minor: 0,
    kind: 'Deployment',
    tweak: (p) => {
      p.spec.volumes = [{ name: 'models', image: { reference: 'registry.example.com/shop/models:3' } }];
    },
  }),

  // allow-privilege-escalation
  restricted('allow-privilege-escalation', 'fail', 'unset', {
    tweak: (p) => {
      delete sc(app(p)).allowPrivilegeEscalation;
    },
  }),
  restricted('allow-privilege-escalation', 'fail', 'true', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(setup(p)).allowPrivilegeEscalation = true;
    },
  }),
  restricted('allow-privilege-escalation', 'fail', 'ephemeral-container-unset', {
    tweak: (p) => void addEphemeral(p, { allowPrivilegeEscalation: undefined }),
  }),
  restricted('allow-privilege-escalation', 'fail', 'windows-pod-v1-24', {
    minor: 24,
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      delete sc(app(p)).allowPrivilegeEscalation;
    },
  }),
  restricted('allow-privilege-escalation', 'pass', 'false', { kind: 'CronJob', tweak: () => undefined }),
  restricted('allow-privilege-escalation', 'pass', 'false-v1-8', { minor: 8, tweak: () => undefined }),

  // run-as-non-root
  restricted('run-as-non-root', 'fail', 'unset', {
    tweak: (p) => {
      delete podSc(p).runAsNonRoot;
    },
  }),
  restricted('run-as-non-root', 'fail', 'container-false', {
    tweak: (p) => {
      sc(app(p)).runAsNonRoot = false;
    },
  }),
  restricted('run-as-non-root', 'fail', 'pod-false-container-true', {
    kind: 'Deployment',
    tweak: (p) => {
      podSc(p).runAsNonRoot = false;
      sc(app(p)).runAsNonRoot = true;
      sc(setup(p)).runAsNonRoot = true;
    },
  }),
  restricted('run-as-non-root', 'fail', 'init-container-unset', {
    kind: 'Job',
    tweak: (p) => {
      delete podSc(p).runAsNonRoot;
      sc(app(p)).runAsNonRoot = true;
    },
  }),
  restricted('run-as-non-root', 'fail', 'user-namespace-v1-34', {
    minor: 34,
    tweak: (p) => {
      p.spec.hostUsers = false;
      delete podSc(p).runAsNonRoot;
    },
  }),
  restricted('run-as-non-root', 'pass', 'pod-true', { tweak: () => undefined }),
  restricted('run-as-non-root', 'pass', 'containers-true', {
    kind: 'StatefulSet',
    tweak: (p) => {
      delete podSc(p).runAsNonRoot;
      sc(app(p)).runAsNonRoot = true;
      sc(setup(p)).runAsNonRoot = true;
    },
  }),

  // run-as-user
  restricted('run-as-user', 'fail', 'pod-root', {
    tweak: (p) => {
      podSc(p).runAsUser = 0;
    },
  }),
  restricted('run-as-user', 'fail', 'container-root', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).runAsUser = 0;
    },
  }),
  restricted('run-as-user', 'fail', 'pod-root-containers-non-root-v1-23', {
    minor: 23,
    tweak: (p) => {
      podSc(p).runAsUser = 0;
      sc(app(p)).runAsUser = 1000;
      sc(setup(p)).runAsUser = 1000;
    },
  }),
  restricted('run-as-user', 'pass', 'non-root-uid', {
    kind: 'DeploymentConfig',
    tweak: (p) => {
      podSc(p).runAsUser = 1000;
    },
  }),
  restricted('run-as-user', 'pass', 'unset', { tweak: () => undefined }),

  // seccomp-restricted
  restricted('seccomp-restricted', 'fail', 'unset', {
    tweak: (p) => {
      delete podSc(p).seccompProfile;
    },
  }),
  restricted('seccomp-restricted', 'fail', 'container-unconfined', {
    tweak: (p) => {
      sc(app(p)).seccompProfile = { type: 'Unconfined' };
    },
  }),
  restricted('seccomp-restricted', 'fail', 'pod-unconfined', {
    kind: 'Deployment',
    tweak: (p) => {
      podSc(p).seccompProfile = { type: 'Unconfined' };
    },
  }),
  restricted('seccomp-restricted', 'fail', 'ephemeral-container-unconfined', {
    tweak: (p) => void addEphemeral(p, { seccompProfile: { type: 'Unconfined' } }),
  }),
  restricted('seccomp-restricted', 'fail', 'annotation-unconfined-v1-18', {
    minor: 18,
    tweak: (p) => annotate(p, SECCOMP_POD, 'unconfined'),
  }),
  restricted('seccomp-restricted', 'fail', 'windows-pod-v1-24', {
    minor: 24,
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      delete podSc(p).seccompProfile;
    },
  }),
  restricted('seccomp-restricted', 'pass', 'pod-runtime-default', { tweak: () => undefined }),
  restricted('seccomp-restricted', 'pass', 'containers-localhost', {
    kind: 'Deployment',
    tweak: (p) => {
      delete podSc(p).seccompProfile;
      sc(app(p)).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
      sc(setup(p)).seccompProfile = { type: 'RuntimeDefault' };
    },
  }),
  restricted('seccomp-restricted', 'pass', 'unset-v1-18', { minor: 18, tweak: () => undefined }),

  // capabilities-restricted
  restricted('capabilities-restricted', 'fail', 'no-drop', {
    tweak: (p) => {
      delete sc(app(p)).capabilities;
    },
  }),
  restricted('capabilities-restricted', 'fail', 'drop-lowercase-all', {
    tweak: (p) => {
      sc(app(p)).capabilities = { drop: ['all'] };
    },
  }),
  restricted('capabilities-restricted', 'fail', 'add-sys-time', {
    kind: 'Deployment',
    tweak: (p) => {
      sc(app(p)).capabilities = { drop: ['ALL'], add: ['SYS_TIME'] };
    },
  }),
  restricted('capabilities-restricted', 'fail', 'add-chown', {
    kind: 'ReplicationController',
    tweak: (p) => {
      sc(setup(p)).capabilities = { drop: ['ALL'], add: ['CHOWN'] };
    },
  }),
  restricted('capabilities-restricted', 'fail', 'add-net-raw-v1-21', {
    minor: 21,
    tweak: (p) => {
      sc(app(p)).capabilities = { add: ['NET_RAW'] };
    },
  }),
  restricted('capabilities-restricted', 'fail', 'windows-pod-v1-24', {
    minor: 24,
    tweak: (p) => {
      p.spec.os = { name: 'windows' };
      delete sc(app(p)).capabilities;
    },
  }),
  restricted('capabilities-restricted', 'pass', 'drop-all', { kind: 'PodTemplate', tweak: () => undefined }),
  restricted('capabilities-restricted', 'pass', 'add-net-bind-service', {
    tweak: (p) => {
      sc(app(p)).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    },
  }),
  restricted('capabilities-restricted', 'pass', 'no-drop-v1-21', { minor: 21, tweak: () => undefined }),

  // proc-mount-restricted
  restricted('proc-mount-restricted', 'fail', 'unmasked', {
    tweak: (p) => {
      sc(app(p)).procMount = 'Unmasked';
    },
  }),
  restricted('proc-mount-restricted', 'fail', 'user-namespace-unmasked-v1-35', {
    minor: 35,
    kind: 'Deployment',
    tweak: (p) => {
      p.spec.hostUsers = false;
      sc(app(p)).procMount = 'Unmasked';
    },
  }),
  restricted('proc-mount-restricted', 'fail', 'unmasked-v1-20', {
    minor: 20,
    tweak: (p) => {
      sc(setup(p)).procMount = 'Unmasked';
    },
  }),
  restricted('proc-mount-restricted', 'pass', 'default-proc-mount', {
    tweak: (p) => {
      sc(app(p)).procMount = 'Default';
    },
  }),
];

const API_VERSIONS: Readonly<Record<WorkloadKindName, string>> = {
  Pod: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  ReplicationController: 'v1',
  PodTemplate: 'v1',
  DeploymentConfig: 'apps.openshift.io/v1',
};

/** Wrap a pod into a manifest of the given kind (the pod's metadata becomes the template's). */
export function wrap(kind: WorkloadKindName, pod: PodObject, name: string): Record<string, unknown> {
  const { namespace, annotations } = pod.metadata;
  const labels = { 'app.kubernetes.io/name': name };
  const templateMetadata = { labels, ...(annotations ? { annotations } : {}) };
  const metadata = { name, namespace };
  const spec = pod.spec;
  const head = { apiVersion: API_VERSIONS[kind], kind, metadata };
  switch (kind) {
    case 'Pod':
      return { ...head, metadata: { ...metadata, labels, ...(annotations ? { annotations } : {}) }, spec };
    case 'PodTemplate':
      return { ...head, template: { metadata: templateMetadata, spec } };
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { ...head, spec: { selector: { matchLabels: labels }, template: { metadata: templateMetadata, spec } } };
    case 'StatefulSet':
      return {
        ...head,
        spec: { serviceName: name, selector: { matchLabels: labels }, template: { metadata: templateMetadata, spec } },
      };
    case 'ReplicationController':
      return { ...head, spec: { replicas: 1, selector: labels, template: { metadata: templateMetadata, spec } } };
    case 'DeploymentConfig':
      return {
        ...head,
        spec: {
          replicas: 1,
          selector: labels,
          triggers: [{ type: 'ConfigChange' }],
          template: { metadata: templateMetadata, spec },
        },
      };
    case 'Job':
      return {
        ...head,
        spec: { backoffLimit: 0, template: { metadata: templateMetadata, spec: { ...spec, restartPolicy: 'Never' } } },
      };
    case 'CronJob':
      return {
        ...head,
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: { template: { metadata: templateMetadata, spec: { ...spec, restartPolicy: 'OnFailure' } } },
          },
        },
      };
  }
}

/** The pod a case describes: its level's minimal pod at its version, changed by the tweak. */
export function casePod(fixture: PssFixtureCase): PodObject {
  const pod = minimalPod(fixture.level, fixture.minor ?? LATEST_PSS_VERSION.minor);
  fixture.tweak(pod);
  return pod;
}

/** Relative path (from the repository root) of a case's fixture file. */
export function fixturePath(fixture: PssFixtureCase): string {
  return `${FIXTURE_DIR}/${fixture.slug}/${fixture.outcome}/${fixture.scenario}.yaml`;
}

export const FIXTURE_DIR = 'test/fixtures/posture/kubernetes/pss';

/** Render one fixture file. */
export function renderFixture(fixture: PssFixtureCase): string {
  const manifest = wrap(fixture.kind ?? 'Pod', casePod(fixture), fixture.scenario);
  const lines: string[] = [];
  if (fixture.minor !== undefined) {
    lines.push(`# settings: {"pssVersion":"v1.${fixture.minor}"}`);
  }
  const version = fixture.minor === undefined ? 'latest' : `v1.${fixture.minor}`;
  lines.push(
    `# Generated by scripts/gen-pss-fixtures.ts; do not edit. Expected: ${fixture.outcome} for ${fixture.slug} (${fixture.level}:${version}).`,
  );
  return `${lines.join('\n')}\n${stringify(manifest, { lineWidth: 0 })}`;
}

/** Every fixture file, keyed by path relative to the repository root. */
export function renderPssFixtures(): Map<string, string> {
  const files = new Map<string, string>();
  for (const fixture of PSS_FIXTURE_CASES) {
    const path = fixturePath(fixture);
    if (files.has(path)) {
      throw new Error(`duplicate PSS fixture ${path}`);
    }
    files.set(path, renderFixture(fixture));
  }
  return files;
}

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every .yaml file under the fixture directory, relative to the repository root. */
export function listFixtureFiles(root: string = ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith('.yaml')) {
        out.push(relative(root, path));
      }
    }
  };
  walk(join(root, FIXTURE_DIR));
  return out.sort();
}

/** Write every fixture and delete generated-tree files that are no longer produced. */
export function writePssFixtures(root: string = ROOT): { written: number; removed: number } {
  const files = renderPssFixtures();
  let removed = 0;
  for (const existing of listFixtureFiles(root)) {
    if (!files.has(existing)) {
      rmSync(join(root, existing));
      removed++;
    }
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { written: files.size, removed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { written, removed } = writePssFixtures();
  console.log(`wrote ${written} fixtures under ${FIXTURE_DIR}${removed ? `, removed ${removed} stale` : ''}`);
}
