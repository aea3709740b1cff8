/** The openshift/cluster checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { apiserverAuditDisabled } from './apiserver-audit-disabled.ts';
import { apiserverWeakTlsProfile } from './apiserver-weak-tls-profile.ts';
import { arcDefenderSensorMissing } from './arc-defender-sensor-missing.ts';
import { clusterAdminGrantedToUser } from './cluster-admin-granted-to-user.ts';
import { clusterVersionUnsupported } from './cluster-version-unsupported.ts';
import { etcdEncryptionDisabled } from './etcd-encryption-disabled.ts';
import { imageRegistriesUnrestricted } from './image-registries-unrestricted.ts';
import { ingressControllerPublic } from './ingress-controller-public.ts';
import { kubeadminNotRemoved } from './kubeadmin-not-removed.ts';
import { namespaceEgressUncontrolled } from './namespace-egress-uncontrolled.ts';
import { oauthNoIdentityProvider } from './oauth-no-identity-provider.ts';
import { secretsStoreCsiMissing } from './secrets-store-csi-missing.ts';

export const openshiftClusterChecks: readonly Check[] = [
  apiserverAuditDisabled,
  apiserverWeakTlsProfile,
  arcDefenderSensorMissing,
  clusterAdminGrantedToUser,
  clusterVersionUnsupported,
  etcdEncryptionDisabled,
  imageRegistriesUnrestricted,
  ingressControllerPublic,
  kubeadminNotRemoved,
  namespaceEgressUncontrolled,
  oauthNoIdentityProvider,
  secretsStoreCsiMissing,
];
