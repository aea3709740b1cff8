/** The kubernetes/workload checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { allowedRegistry } from './allowed-registry.ts';
import { automountServiceAccountToken } from './automount-service-account-token.ts';
import { containerRuntimeSocket } from './container-runtime-socket.ts';
import { dangerousCapabilities } from './dangerous-capabilities.ts';
import { defaultNamespace } from './default-namespace.ts';
import { defaultServiceAccount } from './default-service-account.ts';
import { imageNotPinnedByDigest } from './image-not-pinned-by-digest.ts';
import { imageTagLatest } from './image-tag-latest.ts';
import { missingProbes } from './missing-probes.ts';
import { netRawCapability } from './net-raw-capability.ts';
import { readOnlyRootFilesystem } from './read-only-root-filesystem.ts';
import { resourceLimits } from './resource-limits.ts';
import { resourceRequests } from './resource-requests.ts';
import { secretEnvReference } from './secret-env-reference.ts';
import { secretsInEnv } from './secrets-in-env.ts';
import { sensitiveHostPath } from './sensitive-host-path.ts';

export const kubernetesWorkloadChecks: readonly Check[] = [
  allowedRegistry,
  automountServiceAccountToken,
  containerRuntimeSocket,
  dangerousCapabilities,
  defaultNamespace,
  defaultServiceAccount,
  imageNotPinnedByDigest,
  imageTagLatest,
  missingProbes,
  netRawCapability,
  readOnlyRootFilesystem,
  resourceLimits,
  resourceRequests,
  secretEnvReference,
  secretsInEnv,
  sensitiveHostPath,
];
