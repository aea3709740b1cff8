/** The openshift/network checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { routeInsecureEdgeAllow } from './route-insecure-edge-allow.ts';
import { routeWithoutTls } from './route-without-tls.ts';

export const openshiftNetworkChecks: readonly Check[] = [routeInsecureEdgeAllow, routeWithoutTls];
