/**
 * OpenShift Routes must be served over TLS.
 * Reads: spec.tls, spec.tls.termination, spec.host.
 * Allowed: spec.tls set with termination edge, passthrough or reencrypt. A Route without spec.tls
 *   is served by the router on port 80 only, in plain HTTP. A spec.tls without one of those
 *   terminations is reported too: the API server rejects it (route validation validateTLS), so
 *   the manifest does not give the Route TLS.
 * Related: spec.tls.insecureEdgeTerminationPolicy: Allow is reported by route-insecure-edge-allow.
 * Source: OpenShift Route API reference (route.openshift.io/v1 TLSConfig); OpenShift "Secured
 *   routes"; openshift/library-go route validation.
 */

import { z } from 'zod';
import type { Resource } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { parseSpec } from '../../../lib/network.ts';

const RouteSpec = z
  .looseObject({
    host: z.string().nullish(),
    tls: z.looseObject({ termination: z.string().nullish() }).nullish(),
  })
  .nullish();

const TERMINATIONS: ReadonlySet<string> = new Set(['edge', 'passthrough', 'reencrypt']);

export const routeWithoutTls = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0101',
    slug: 'route-without-tls',
    title: 'Route serves traffic without TLS',
    description:
      'A Route without spec.tls is served over plain HTTP, so credentials, session cookies and data cross the network readable and modifiable by anyone on the path between clients and the router.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'Route', apiGroup: 'route.openshift.io' }],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1557' },
      { framework: 'mitre-attack-containers', control: 'T1040' },
      { framework: 'mcsb-v1', control: 'DP-3' },
    ],
    remediation: {
      summary:
        'Set spec.tls with edge, reencrypt or passthrough termination and insecureEdgeTerminationPolicy Redirect.',
      kubernetesPatch: 'spec:\n  tls:\n    termination: edge\n    insecureEdgeTerminationPolicy: Redirect\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/network_apis/route-route-openshift-io-v1.html',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(RouteSpec, resource.object);
    const host = spec?.host ? `"${spec.host}"` : 'its host';
    const tls = spec?.tls;
    if (!tls) {
      return outcome([{ path: 'spec.tls', message: `Route has no spec.tls, so ${host} is served over plain HTTP` }]);
    }
    const termination = tls.termination ?? '';
    if (!TERMINATIONS.has(termination)) {
      return outcome([
        {
          path: 'spec.tls.termination',
          message:
            termination === ''
              ? 'spec.tls sets no termination (edge, passthrough or reencrypt), so the Route is invalid and gets no TLS'
              : `spec.tls.termination is "${termination}", not edge, passthrough or reencrypt, so the Route is invalid and gets no TLS`,
          actual: termination,
        },
      ]);
    }
    return outcome([]);
  },
});
