/**
 * OpenShift Routes with TLS must not also serve plain HTTP.
 * Reads: spec.tls.termination, spec.tls.insecureEdgeTerminationPolicy.
 * Allowed: insecureEdgeTerminationPolicy unset, "None" (no HTTP) or "Redirect" (HTTP answers with a
 *   redirect to HTTPS). "Allow" makes the router serve the same Route over HTTP on port 80 as well,
 *   for edge and reencrypt termination. For passthrough termination "Allow" is invalid (the API
 *   server rejects the Route); it is still reported, with that reason, since the manifest asks for
 *   insecure traffic.
 * Not applicable: Routes without spec.tls (reported by route-without-tls).
 * Source: OpenShift Route API reference (TLSConfig.insecureEdgeTerminationPolicy); OpenShift
 *   "Secured routes"; openshift/library-go route validation validateInsecureEdgeTerminationPolicy.
 */

import { z } from 'zod';
import type { Resource } from '#core';
import { defineCheck, notApplicable, outcome } from '../../../check.ts';
import { parseSpec } from '../../../lib/network.ts';

const RouteSpec = z
  .looseObject({
    host: z.string().nullish(),
    tls: z
      .looseObject({ termination: z.string().nullish(), insecureEdgeTerminationPolicy: z.string().nullish() })
      .nullish(),
  })
  .nullish();

export const routeInsecureEdgeAllow = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0102',
    slug: 'route-insecure-edge-allow',
    title: 'Route with TLS also serves plain HTTP',
    description:
      'With insecureEdgeTerminationPolicy Allow, the router serves the Route over plain HTTP as well as HTTPS. Clients that use or are downgraded to the HTTP URL send credentials and cookies in clear text.',
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
      summary: 'Set spec.tls.insecureEdgeTerminationPolicy to Redirect (or None).',
      kubernetesPatch: 'spec:\n  tls:\n    insecureEdgeTerminationPolicy: Redirect\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html',
      'https://docs.openshift.com/container-platform/latest/rest_api/network_apis/route-route-openshift-io-v1.html',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(RouteSpec, resource.object);
    const tls = spec?.tls;
    if (!tls) {
      return notApplicable('the Route has no spec.tls (reported by route-without-tls)');
    }
    const policy = tls.insecureEdgeTerminationPolicy ?? '';
    if (policy !== 'Allow') {
      return outcome([]);
    }
    const host = spec?.host ? `"${spec.host}"` : 'its host';
    const termination = tls.termination ?? '';
    return outcome([
      {
        path: 'spec.tls.insecureEdgeTerminationPolicy',
        message:
          termination === 'passthrough'
            ? 'spec.tls.insecureEdgeTerminationPolicy is "Allow", which is invalid for passthrough termination (the API server rejects the Route)'
            : `spec.tls.insecureEdgeTerminationPolicy is "Allow", so ${host} is also served over plain HTTP`,
        actual: policy,
      },
    ]);
  },
});
