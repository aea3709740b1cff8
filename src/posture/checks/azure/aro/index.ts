/** The azure/aro checks: the ARO cluster resource and its landing zone, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { aroApiServerPublic } from './aro-api-server-public.ts';
import { aroDefaultRouteNotFirewall } from './aro-default-route-not-firewall.ts';
import { aroDefenderContainersOff } from './aro-defender-containers-off.ts';
import { aroDiskEncryptionSetMissing } from './aro-disk-encryption-set-missing.ts';
import { aroEncryptionAtHostDisabled } from './aro-encryption-at-host-disabled.ts';
import { aroFipsDisabled } from './aro-fips-disabled.ts';
import { aroIngressPublic } from './aro-ingress-public.ts';
import { aroNoPrivateRegistry } from './aro-no-private-registry.ts';
import { aroNotArcProtected } from './aro-not-arc-protected.ts';
import { aroOutboundNotUdr } from './aro-outbound-not-udr.ts';
import { aroPrivateNoBastion } from './aro-private-no-bastion.ts';
import { aroServicePrincipalIdentity } from './aro-service-principal-identity.ts';
import { aroVersionUnsupported } from './aro-version-unsupported.ts';

export const azureAroChecks: readonly Check[] = [
  aroApiServerPublic,
  aroDefaultRouteNotFirewall,
  aroDefenderContainersOff,
  aroDiskEncryptionSetMissing,
  aroEncryptionAtHostDisabled,
  aroFipsDisabled,
  aroIngressPublic,
  aroNoPrivateRegistry,
  aroNotArcProtected,
  aroOutboundNotUdr,
  aroPrivateNoBastion,
  aroServicePrincipalIdentity,
  aroVersionUnsupported,
];
