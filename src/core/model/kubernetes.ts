/**
 * The Kubernetes object shapes Palisade reads, as zod schemas with their inferred types.
 * Source: Kubernetes API reference (core/v1 Pod, PodSpec, Container, SecurityContext, Volume).
 *
 * Only fields that some check reads are declared; everything else passes through untouched
 * (`z.looseObject`). A declared field of the wrong type is an input error for that object,
 * reported as a diagnostic with its path; the rest of the input is still scanned.
 */
import { z } from 'zod';

const Str = z.string();
const Bool = z.boolean();
const Int = z.number().int();
const IntOrString = z.union([z.number(), z.string()]);
const StringMap = z.record(z.string(), z.string());

export const ObjectMeta = z.looseObject({
  name: Str.optional(),
  generateName: Str.optional(),
  namespace: Str.optional(),
  uid: Str.optional(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
  ownerReferences: z
    .array(
      z.looseObject({
        apiVersion: Str.optional(),
        kind: Str.optional(),
        name: Str.optional(),
        controller: Bool.optional(),
      }),
    )
    .optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** Envelope every object must have; the rest is kind-specific. */
export const KubeObject = z.looseObject({
  apiVersion: Str,
  kind: Str,
  metadata: ObjectMeta.optional(),
});
export type KubeObject = z.infer<typeof KubeObject>;

export const SELinuxOptions = z.looseObject({
  user: Str.optional(),
  role: Str.optional(),
  type: Str.optional(),
  level: Str.optional(),
});
export const SeccompProfile = z.looseObject({ type: Str.optional(), localhostProfile: Str.optional() });
export const AppArmorProfile = z.looseObject({ type: Str.optional(), localhostProfile: Str.optional() });
export const WindowsOptions = z.looseObject({
  hostProcess: Bool.optional(),
  runAsUserName: Str.optional(),
  gmsaCredentialSpecName: Str.optional(),
});
export const Capabilities = z.looseObject({ add: z.array(Str).optional(), drop: z.array(Str).optional() });

export const SecurityContext = z.looseObject({
  privileged: Bool.optional(),
  allowPrivilegeEscalation: Bool.optional(),
  readOnlyRootFilesystem: Bool.optional(),
  runAsNonRoot: Bool.optional(),
  runAsUser: Int.optional(),
  runAsGroup: Int.optional(),
  capabilities: Capabilities.optional(),
  seccompProfile: SeccompProfile.optional(),
  appArmorProfile: AppArmorProfile.optional(),
  seLinuxOptions: SELinuxOptions.optional(),
  procMount: Str.optional(),
  windowsOptions: WindowsOptions.optional(),
});
export type SecurityContext = z.infer<typeof SecurityContext>;

export const PodSecurityContext = z.looseObject({
  runAsNonRoot: Bool.optional(),
  runAsUser: Int.optional(),
  runAsGroup: Int.optional(),
  fsGroup: Int.optional(),
  supplementalGroups: z.array(Int).optional(),
  seccompProfile: SeccompProfile.optional(),
  appArmorProfile: AppArmorProfile.optional(),
  seLinuxOptions: SELinuxOptions.optional(),
  windowsOptions: WindowsOptions.optional(),
  sysctls: z.array(z.looseObject({ name: Str, value: Str.optional() })).optional(),
});
export type PodSecurityContext = z.infer<typeof PodSecurityContext>;

const HttpGet = z.looseObject({
  host: Str.optional(),
  port: IntOrString.optional(),
  path: Str.optional(),
  scheme: Str.optional(),
});
const TcpSocket = z.looseObject({ host: Str.optional(), port: IntOrString.optional() });
export const Handler = z.looseObject({
  exec: z.looseObject({ command: z.array(Str).optional() }).optional(),
  httpGet: HttpGet.optional(),
  tcpSocket: TcpSocket.optional(),
  grpc: z.looseObject({ port: Int.optional() }).optional(),
  sleep: z.looseObject({ seconds: Int.optional() }).optional(),
});
export type Handler = z.infer<typeof Handler>;

export const EnvVar = z.looseObject({
  name: Str,
  value: Str.optional(),
  valueFrom: z.looseObject({}).optional(),
});
export type EnvVar = z.infer<typeof EnvVar>;

export const Container = z.looseObject({
  name: Str,
  image: Str.optional(),
  imagePullPolicy: Str.optional(),
  command: z.array(Str).optional(),
  args: z.array(Str).optional(),
  ports: z
    .array(
      z.looseObject({
        name: Str.optional(),
        containerPort: Int.optional(),
        hostPort: Int.optional(),
        hostIP: Str.optional(),
        protocol: Str.optional(),
      }),
    )
    .optional(),
  env: z.array(EnvVar).optional(),
  envFrom: z.array(z.looseObject({})).optional(),
  resources: z
    .looseObject({
      limits: z.record(z.string(), IntOrString).optional(),
      requests: z.record(z.string(), IntOrString).optional(),
    })
    .optional(),
  securityContext: SecurityContext.optional(),
  livenessProbe: Handler.optional(),
  readinessProbe: Handler.optional(),
  startupProbe: Handler.optional(),
  lifecycle: z.looseObject({ postStart: Handler.optional(), preStop: Handler.optional() }).optional(),
  volumeMounts: z
    .array(z.looseObject({ name: Str, mountPath: Str.optional(), readOnly: Bool.optional(), subPath: Str.optional() }))
    .optional(),
  restartPolicy: Str.optional(),
});
export type Container = z.infer<typeof Container>;

export const Volume = z.looseObject({
  name: Str,
  hostPath: z.looseObject({ path: Str.optional(), type: Str.optional() }).optional(),
});
export type Volume = z.infer<typeof Volume>;

export const PodSpec = z.looseObject({
  containers: z.array(Container).optional(),
  initContainers: z.array(Container).optional(),
  ephemeralContainers: z.array(Container).optional(),
  volumes: z.array(Volume).optional(),
  hostNetwork: Bool.optional(),
  hostPID: Bool.optional(),
  hostIPC: Bool.optional(),
  hostUsers: Bool.optional(),
  securityContext: PodSecurityContext.optional(),
  serviceAccountName: Str.optional(),
  serviceAccount: Str.optional(),
  automountServiceAccountToken: Bool.optional(),
  os: z.looseObject({ name: Str.optional() }).optional(),
  runtimeClassName: Str.optional(),
  nodeName: Str.optional(),
  restartPolicy: Str.optional(),
  imagePullSecrets: z.array(z.looseObject({ name: Str.optional() })).optional(),
});
export type PodSpec = z.infer<typeof PodSpec>;
