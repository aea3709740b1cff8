/**
 * Deterministic synthetic cluster export for the benchmark: the objects `kubectl get -o json`
 * (or `oc get`) would return for a large OpenShift cluster. A seeded PRNG drives every choice, so
 * the same seed and size always give the same objects, byte for byte.
 *
 * The mix (for 50,000 objects): 500 namespaces, 20,000 workloads of every kind that carries a pod
 * template, and service accounts, RBAC, services, routes, ingresses, network policies, SCCs and
 * config maps. Workloads have 1–3 containers, sidecars, init containers, good and bad security
 * contexts, probes, env vars (a few literal passwords), volumes (a few hostPaths) and resources,
 * so that every check has real work to do.
 */

/** mulberry32: a small, fast, well-distributed 32-bit PRNG (public domain). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

export interface GenerateOptions {
  /** Total objects (default 50,000). */
  readonly objects?: number;
  readonly seed?: number;
}

export interface GeneratedCluster {
  readonly items: Json[];
  /** Objects per kind, for the report. */
  readonly counts: Readonly<Record<string, number>>;
}

/** Share of the total for each non-workload kind; workloads take 40%, config maps fill the rest. */
const SHARES = {
  Namespace: 0.01,
  ServiceAccount: 0.08,
  Role: 0.05,
  RoleBinding: 0.08,
  ClusterRole: 0.01,
  ClusterRoleBinding: 0.01,
  Service: 0.16,
  NetworkPolicy: 0.04,
  Route: 0.05,
  Ingress: 0.02,
} as const;
const WORKLOAD_SHARE = 0.4;

/** Workload kinds and their weights (sum 100). */
const WORKLOAD_MIX: readonly (readonly [string, number])[] = [
  ['Deployment', 36],
  ['Pod', 24],
  ['ReplicaSet', 6],
  ['StatefulSet', 8],
  ['DaemonSet', 4],
  ['Job', 5],
  ['CronJob', 8],
  ['DeploymentConfig', 7],
  ['ReplicationController', 1],
  ['PodTemplate', 1],
];

const APP_IMAGES = [
  'myacr.azurecr.io/shop/storefront',
  'myacr.azurecr.io/shop/catalog-api',
  'myacr.azurecr.io/payments/ledger',
  'myacr.azurecr.io/payments/gateway',
  'registry.redhat.io/ubi9/nodejs-20',
  'registry.redhat.io/ubi9/python-311',
  'registry.redhat.io/rhel9/postgresql-15',
  'registry.redhat.io/rhel9/redis-7',
  'quay.io/contoso/report-generator',
  'docker.io/library/nginx',
  'docker.io/bitnami/kafka',
  'ghcr.io/contoso/worker',
];
const SIDECARS = [
  { name: 'istio-proxy', image: 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel9' },
  { name: 'oauth-proxy', image: 'registry.redhat.io/openshift4/ose-oauth-proxy-rhel9' },
  { name: 'kube-rbac-proxy', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev' },
  { name: 'fluent-bit', image: 'docker.io/fluent/fluent-bit' },
];
const HOST_PATHS = ['/var/run/crio/crio.sock', '/var/log', '/etc/kubernetes', '/proc', '/'];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const RESOURCES = ['pods', 'pods/exec', 'pods/log', 'secrets', 'configmaps', 'services', 'deployments', 'routes'];

export function generateCluster(options: GenerateOptions = {}): GeneratedCluster {
  const total = options.objects ?? 50_000;
  const random = prng(options.seed ?? 0x5eed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const hex = (length: number): string => {
    let text = '';
    while (text.length < length) {
      text += Math.floor(random() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    }
    return text.slice(0, length);
  };
  const uid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  let resourceVersion = 1_000_000;
  const meta = (name: string, namespace?: string, extra: Json = {}): Json => ({
    name,
    ...(namespace === undefined ? {} : { namespace }),
    uid: uid(),
    resourceVersion: String(resourceVersion++),
    creationTimestamp: '2025-03-14T09:26:53Z',
    ...extra,
  });

  const items: Json[] = [];
  const counts: Record<string, number> = {};
  const push = (object: Json): void => {
    items.push(object);
    const kind = object.kind as string;
    counts[kind] = (counts[kind] ?? 0) + 1;
  };

  // Namespaces: a few platform ones, the rest application namespaces.
  const namespaceCount = Math.max(4, Math.round(total * SHARES.Namespace));
  const namespaces: string[] = [];
  for (let i = 0; i < namespaceCount; i++) {
    const name = i < 10 ? `openshift-bench-${i}` : `team-${i}-${pick(['web', 'api', 'data', 'batch', 'ml'])}`;
    namespaces.push(name);
    const uidRange = `${1_000_600_000 + i * 10_000}/10000`;
    push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, undefined, {
        labels: {
          'kubernetes.io/metadata.name': name,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          ...(chance(0.3)
            ? { 'pod-security.kubernetes.io/enforce': pick(['baseline', 'restricted', 'privileged']) }
            : {}),
        },
        annotations: {
          'openshift.io/sa.scc.mcs': `s0:c${int(1, 30)},c${int(1, 30)}`,
          'openshift.io/sa.scc.supplemental-groups': uidRange,
          'openshift.io/sa.scc.uid-range': uidRange,
        },
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  // SecurityContextConstraints: the defaults plus a few custom ones.
  for (const scc of [
    'restricted-v2',
    'restricted',
    'nonroot-v2',
    'anyuid',
    'hostaccess',
    'hostnetwork-v2',
    'privileged',
  ]) {
    const privileged = scc === 'privileged';
    push({
      apiVersion: 'security.openshift.io/v1',
      kind: 'SecurityContextConstraints',
      metadata: meta(scc),
      allowHostDirVolumePlugin: privileged || scc === 'hostaccess',
      allowHostIPC: privileged || scc === 'hostaccess',
      allowHostNetwork: privileged || scc.startsWith('host'),
      allowHostPID: privileged || scc === 'hostaccess',
      allowHostPorts: privileged || scc.startsWith('host'),
      allowPrivilegeEscalation: !scc.endsWith('-v2'),
      allowPrivilegedContainer: privileged,
      allowedCapabilities: privileged ? ['*'] : scc.endsWith('-v2') ? ['NET_BIND_SERVICE'] : null,
      fsGroup: { type: privileged || scc === 'anyuid' ? 'RunAsAny' : 'MustRunAs' },
      groups: privileged ? ['system:cluster-admins', 'system:nodes', 'system:masters'] : [],
      priority: scc === 'anyuid' ? 10 : null,
      readOnlyRootFilesystem: false,
      requiredDropCapabilities: scc.endsWith('-v2')
        ? ['ALL']
        : privileged
          ? null
          : ['KILL', 'MKNOD', 'SETUID', 'SETGID'],
      runAsUser: { type: privileged || scc === 'anyuid' ? 'RunAsAny' : 'MustRunAsRange' },
      seLinuxContext: { type: privileged ? 'RunAsAny' : 'MustRunAs' },
      seccompProfiles: privileged ? ['*'] : scc.endsWith('-v2') ? ['runtime/default'] : undefined,
      supplementalGroups: { type: 'RunAsAny' },
      users: privileged ? ['system:admin'] : [],
      volumes: privileged
        ? ['*']
        : ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'],
    });
  }

  // Workloads.
  const workloadCount = Math.round(total * WORKLOAD_SHARE);
  const weightTotal = WORKLOAD_MIX.reduce((sum, [, w]) => sum + w, 0);
  const workloadKinds: string[] = [];
  for (const [kind, weight] of WORKLOAD_MIX) {
    const count = Math.round((workloadCount * weight) / weightTotal);
    for (let i = 0; i < count; i++) {
      workloadKinds.push(kind);
    }
  }
  while (workloadKinds.length < workloadCount) {
    workloadKinds.push('Deployment');
  }
  workloadKinds.length = workloadCount;

  const container = (name: string, image: string, hardened: boolean, isInit: boolean): Json => {
    const tag = chance(0.5)
      ? `@sha256:${hex(64)}`
      : chance(0.15)
        ? ':latest'
        : `:${int(1, 9)}.${int(0, 20)}.${int(0, 9)}`;
    const env: Json[] = [{ name: 'LOG_LEVEL', value: pick(['info', 'debug', 'warn']) }];
    if (chance(0.5)) {
      env.push({
        name: 'POD_NAMESPACE',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
      });
    }
    if (chance(0.05)) {
      env.push({ name: 'DB_PASSWORD', value: `s3cr3t-${hex(8)}` });
    } else if (chance(0.3)) {
      env.push({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-db`, key: 'password' } } });
    }
    const securityContext: Json = hardened
      ? {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: chance(0.7),
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        }
      : pick<Json>([
          {},
          { privileged: true },
          { runAsUser: 0 },
          { allowPrivilegeEscalation: true, capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'] } },
          { capabilities: { add: ['NET_RAW'] }, procMount: 'Unmasked' },
          { seLinuxOptions: { type: 'spc_t' }, runAsNonRoot: false },
        ]);
    const withProbes = !isInit && chance(0.7);
    const port = pick([8080, 8443, 9090, 3000, 5432]);
    return {
      name,
      image: `${image}${tag}`,
      imagePullPolicy: pick(['IfNotPresent', 'Always']),
      ...(chance(0.3) ? { command: ['/usr/bin/entrypoint'], args: ['--port', String(port)] } : {}),
      ports: isInit
        ? undefined
        : [{ name: 'http', containerPort: port, protocol: 'TCP', ...(chance(0.02) ? { hostPort: port } : {}) }],
      env,
      ...(chance(0.8)
        ? {
            resources: {
              requests: { cpu: `${int(10, 500)}m`, memory: `${int(32, 512)}Mi` },
              ...(chance(0.75) ? { limits: { cpu: `${int(1, 4)}`, memory: `${int(256, 4096)}Mi` } } : {}),
            },
          }
        : {}),
      ...(withProbes
        ? {
            livenessProbe: {
              httpGet: { path: '/healthz', port, scheme: 'HTTP' },
              initialDelaySeconds: 10,
              periodSeconds: 10,
            },
            readinessProbe: { httpGet: { path: '/readyz', port, scheme: 'HTTP' }, periodSeconds: 5 },
          }
        : {}),
      securityContext,
      volumeMounts: [
        { name: 'config', mountPath: '/etc/app', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  };

  const podSpec = (app: string, namespace: string, restartPolicy: string): Json => {
    const hardened = chance(0.6);
    const main = container(app, pick(APP_IMAGES), hardened, false);
    const containers: Json[] = [main];
    const extra = pick([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    for (let i = 0; i < extra; i++) {
      const sidecar = SIDECARS[(i + int(0, SIDECARS.length - 1)) % SIDECARS.length] ?? SIDECARS[0];
      if (sidecar && !containers.some((c) => c.name === sidecar.name)) {
        containers.push(container(sidecar.name, sidecar.image, hardened || chance(0.5), false));
      }
    }
    const volumes: Json[] = [
      { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
      { name: 'tmp', emptyDir: {} },
    ];
    if (!hardened && chance(0.2)) {
      volumes.push({ name: 'host', hostPath: { path: pick(HOST_PATHS), type: '' } });
      (main.volumeMounts as Json[]).push({ name: 'host', mountPath: '/host' });
    }
    if (chance(0.3)) {
      volumes.push({ name: 'certs', secret: { secretName: `${app}-tls`, defaultMode: 420 } });
    }
    return {
      ...(chance(0.1) ? { initContainers: [container('init-schema', pick(APP_IMAGES), hardened, true)] } : {}),
      containers,
      volumes,
      restartPolicy,
      serviceAccountName: chance(0.7) ? app : 'default',
      ...(chance(0.5) ? { automountServiceAccountToken: false } : {}),
      ...(hardened
        ? { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }
        : chance(0.3)
          ? { securityContext: { runAsUser: 0, fsGroup: 0 } }
          : { securityContext: {} }),
      ...(!hardened && chance(0.05) ? { hostNetwork: true } : {}),
      ...(!hardened && chance(0.03) ? { hostPID: true } : {}),
      ...(!hardened && chance(0.02) ? { hostIPC: true } : {}),
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      ...(namespace.startsWith('openshift-') ? { priorityClassName: 'system-cluster-critical' } : {}),
    };
  };

  for (let i = 0; i < workloadKinds.length; i++) {
    const kind = workloadKinds[i] as string;
    const namespace = pick(namespaces);
    const app = `${pick(['web', 'api', 'worker', 'db', 'cache', 'gateway', 'report'])}-${i}`;
    const labels = { app, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': namespace };
    const restart = kind === 'Job' || kind === 'CronJob' ? 'OnFailure' : 'Always';
    const template = { metadata: { labels }, spec: podSpec(app, namespace, restart) };
    const objectMeta = meta(app, namespace, { labels });
    switch (kind) {
      case 'Pod':
        push({
          apiVersion: 'v1',
          kind,
          metadata: {
            ...objectMeta,
            annotations: { 'openshift.io/scc': pick(['restricted-v2', 'anyuid', 'privileged']) },
          },
          spec: { ...template.spec, nodeName: `aro-prod-worker-eastus${int(1, 3)}-${hex(5)}` },
          status: { phase: 'Running', qosClass: 'Burstable' },
        });
        break;
      case 'PodTemplate':
        push({ apiVersion: 'v1', kind, metadata: objectMeta, template });
        break;
      case 'CronJob':
        push({
          apiVersion: 'batch/v1',
          kind,
          metadata: objectMeta,
          spec: {
            schedule: `${int(0, 59)} ${int(0, 23)} * * *`,
            concurrencyPolicy: 'Forbid',
            jobTemplate: { spec: { backoffLimit: 3, template } },
          },
        });
        break;
      case 'DeploymentConfig':
        push({
          apiVersion: 'apps.openshift.io/v1',
          kind,
          metadata: objectMeta,
          spec: { replicas: int(1, 3), selector: { app }, strategy: { type: 'Rolling' }, template },
        });
        break;
      case 'ReplicationController':
        push({ apiVersion: 'v1', kind, metadata: objectMeta, spec: { replicas: 1, selector: { app }, template } });
        break;
      case 'Job':
        push({ apiVersion: 'batch/v1', kind, metadata: objectMeta, spec: { backoffLimit: 4, template } });
        break;
      default:
        push({
          apiVersion: 'apps/v1',
          kind,
          metadata: objectMeta,
          spec: {
            ...(kind === 'DaemonSet' ? {} : { replicas: int(1, 5) }),
            selector: { matchLabels: { app } },
            ...(kind === 'StatefulSet' ? { serviceName: app } : {}),
            template,
          },
        });
    }
  }

  const countOf = (kind: keyof typeof SHARES): number => Math.round(total * SHARES[kind]);

  for (let i = 0; i < countOf('ServiceAccount'); i++) {
    const namespace = pick(namespaces);
    push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(i < namespaces.length ? 'default' : `sa-${i}`, i < namespaces.length ? namespaces[i] : namespace),
      ...(chance(0.3) ? { automountServiceAccountToken: false } : {}),
      secrets: [{ name: `sa-${i}-dockercfg-${hex(5)}` }],
      imagePullSecrets: [{ name: `sa-${i}-dockercfg-${hex(5)}` }],
    });
  }
  const rules = (): Json[] => {
    const list: Json[] = [];
    const n = int(1, 4);
    for (let r = 0; r < n; r++) {
      list.push({
        apiGroups: [pick(['', 'apps', 'route.openshift.io', 'batch'])],
        resources: chance(0.05) ? ['*'] : [pick(RESOURCES), pick(RESOURCES)],
        verbs: chance(0.05) ? ['*'] : [pick(VERBS), pick(VERBS), pick(VERBS)],
      });
    }
    if (chance(0.02)) {
      list.push({
        apiGroups: ['security.openshift.io'],
        resources: ['securitycontextconstraints'],
        resourceNames: ['privileged'],
        verbs: ['use'],
      });
    }
    return list;
  };
  for (let i = 0; i < countOf('Role'); i++) {
    push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`role-${i}`, pick(namespaces)),
      rules: rules(),
    });
  }
  for (let i = 0; i < countOf('ClusterRole'); i++) {
    push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(`clusterrole-${i}`),
      rules: rules(),
    });
  }
  const subject = (namespace: string): Json =>
    pick<Json>([
      { kind: 'ServiceAccount', name: `sa-${int(0, 4000)}`, namespace },
      {
        kind: 'Group',
        apiGroup: 'rbac.authorization.k8s.io',
        name: pick(['contoso-developers', 'system:authenticated', 'sre']),
      },
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user${int(1, 300)}@contoso.com` },
    ]);
  for (let i = 0; i < countOf('RoleBinding'); i++) {
    const namespace = pick(namespaces);
    push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`binding-${i}`, namespace),
      roleRef: chance(0.5)
        ? { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${int(0, countOf('Role'))}` }
        : {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: pick(['admin', 'edit', 'view', 'cluster-admin']),
          },
      subjects: [subject(namespace)],
    });
  }
  for (let i = 0; i < countOf('ClusterRoleBinding'); i++) {
    push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`clusterbinding-${i}`),
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: chance(0.02) ? 'cluster-admin' : `clusterrole-${int(0, countOf('ClusterRole'))}`,
      },
      subjects: [subject(pick(namespaces))],
    });
  }
  for (let i = 0; i < countOf('Service'); i++) {
    const type = pick(['ClusterIP', 'ClusterIP', 'ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer']);
    const app = `svc-${i}`;
    push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(
        app,
        pick(namespaces),
        type === 'LoadBalancer' && chance(0.5)
          ? { annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } }
          : {},
      ),
      spec: {
        type,
        selector: { app },
        ports: [
          {
            name: 'https',
            port: 443,
            protocol: 'TCP',
            targetPort: 8443,
            ...(type === 'ClusterIP' ? {} : { nodePort: int(30000, 32767) }),
          },
        ],
        clusterIP: `172.30.${int(0, 255)}.${int(1, 254)}`,
        ...(type === 'LoadBalancer' && chance(0.3) ? { loadBalancerSourceRanges: ['10.0.0.0/8'] } : {}),
      },
    });
  }
  for (let i = 0; i < countOf('NetworkPolicy'); i++) {
    push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(chance(0.5) ? 'default-deny-all' : `allow-${i}`, pick(namespaces)),
      spec: chance(0.5)
        ? { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }
        : {
            podSelector: { matchLabels: { app: `web-${i}` } },
            ingress: [
              { from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'ingress' } } }] },
            ],
            policyTypes: ['Ingress'],
          },
    });
  }
  for (let i = 0; i < countOf('Route'); i++) {
    const tls = pick<Json | undefined>([
      { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
      { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
      { termination: 'passthrough' },
      { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' },
      undefined,
    ]);
    push({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: meta(`route-${i}`, pick(namespaces)),
      spec: {
        host: `route-${i}.apps.aro-prod.eastus.aroapp.io`,
        to: { kind: 'Service', name: `svc-${i}`, weight: 100 },
        port: { targetPort: 'https' },
        ...(tls ? { tls } : {}),
        wildcardPolicy: 'None',
      },
    });
  }
  for (let i = 0; i < countOf('Ingress'); i++) {
    push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(`ingress-${i}`, pick(namespaces)),
      spec: {
        ingressClassName: 'openshift-default',
        ...(chance(0.6) ? { tls: [{ hosts: [`ing-${i}.apps.contoso.com`], secretName: `ing-${i}-tls` }] } : {}),
        rules: [
          {
            host: `ing-${i}.apps.contoso.com`,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: `svc-${i}`, port: { number: 443 } } } },
              ],
            },
          },
        ],
      },
    });
  }
  let configMaps = 0;
  while (items.length < total) {
    push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`config-${configMaps++}`, pick(namespaces)),
      data: { 'application.properties': `server.port=8080\nlog.level=${pick(['info', 'debug'])}\n` },
    });
  }
  items.length = Math.min(items.length, total);
  return { items, counts };
}

/** `kubectl get -o json` shape: a v1 List, indented with 4 spaces as kubectl prints it. */
export function toKubectlJson(items: readonly Json[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4)}\n`;
}
