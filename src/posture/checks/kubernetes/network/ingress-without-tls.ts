/**
 * Ingresses must serve every host they route over TLS.
 * Reads: spec.tls[*].{hosts,secretName}, spec.rules[*].host, spec.ingressClassName, annotations
 *   kubernetes.io/ingress.class and route.openshift.io/termination.
 * Allowed: spec.tls is non-empty and every rule's host is listed in some spec.tls[*].hosts, exactly
 *   or through a wildcard entry ("*.example.com" covers "api.example.com", one label only); a rule
 *   without host is covered by a TLS entry that lists no hosts.
 *   For Ingresses the OpenShift router serves (no class, or class "openshift-default"), its
 *   ingress-to-route translation is followed: an annotation route.openshift.io/termination of
 *   edge, reencrypt or passthrough, or an empty TLS entry (`tls: [{}]`, default certificate),
 *   gives every rule TLS; with class "openshift-default" hosts must be listed exactly, since the
 *   router does not match wildcard TLS hosts.
 * Not required: the annotation kubernetes.io/ingress.allow-http: "false" that Azure Policy
 *   1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d also demands. Only the GCE ingress controller reads it;
 *   the OpenShift router and ingress-nginx (AKS application routing) redirect HTTP to HTTPS for
 *   hosts with TLS by default. HTTP redirect settings, which are controller-specific, are not read.
 * Source: Kubernetes Ingress API reference (IngressTLS.hosts); Kubernetes "Ingress" (TLS);
 *   OpenShift "Creating a route through an Ingress object"; Azure Policy 1a5b4dca (Defender for
 *   Cloud "Kubernetes clusters should be accessible only over HTTPS").
 */

import { z } from 'zod';
import type { Resource, Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { listNames, parseSpec } from '../../../lib/network.ts';

const IngressSpec = z
  .looseObject({
    ingressClassName: z.string().nullish(),
    tls: z
      .array(z.looseObject({ hosts: z.array(z.string()).nullish(), secretName: z.string().nullish() }).nullable())
      .nullish(),
    rules: z.array(z.looseObject({ host: z.string().nullish() }).nullable()).nullish(),
  })
  .nullish();

const OPENSHIFT_CLASS = 'openshift-default';
const TERMINATION_ANNOTATION = 'route.openshift.io/termination';
const TLS_TERMINATIONS: ReadonlySet<string> = new Set(['edge', 'reencrypt', 'passthrough']);

/** Whether a TLS host entry covers a rule host: equal, or a one-label wildcard match. */
function tlsHostCovers(tlsHost: string, host: string, wildcards: boolean): boolean {
  const entry = tlsHost.toLowerCase();
  const name = host.toLowerCase();
  if (entry === name) {
    return true;
  }
  if (!wildcards || !entry.startsWith('*.')) {
    return false;
  }
  const suffix = entry.slice(1); // ".example.com"
  if (!name.endsWith(suffix)) {
    return false;
  }
  const label = name.slice(0, name.length - suffix.length);
  return label.length > 0 && !label.includes('.') && label !== '*';
}

export const ingressWithoutTls = defineCheck<Resource>({
  meta: {
    id: 'PAL-K8S-0307',
    slug: 'ingress-without-tls',
    title: 'Ingress serves hosts without TLS',
    description:
      'Hosts an Ingress routes without a TLS entry are served over plain HTTP, so credentials, session cookies and data cross the network readable and modifiable by anyone on the path.',
    severity: 'medium',
    maturity: 'stable',
    targets: [
      { kind: 'Ingress', apiGroup: 'networking.k8s.io' },
      { kind: 'Ingress', apiGroup: 'extensions' },
    ],
    scope: 'object',
    admission: true,
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1557' },
      { framework: 'mitre-attack-containers', control: 'T1040' },
      { framework: 'mcsb-v1', control: 'DP-3' },
    ],
    remediation: {
      summary:
        'Add a spec.tls entry whose hosts list every rule host, with a secretName holding a certificate for them.',
      steps: [
        'Create a kubernetes.io/tls Secret (or let cert-manager issue one) for the hosts.',
        'List every spec.rules[*].host under spec.tls[*].hosts with that secretName.',
        'On OpenShift, `tls: [{}]` or the annotation route.openshift.io/termination: edge uses the default ingress certificate.',
      ],
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
      'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/',
      'https://docs.openshift.com/container-platform/latest/networking/routes/route-configuration.html#nw-ingress-creating-a-route-via-an-ingress_route-configuration',
    ],
  },
  evaluate(resource) {
    const spec = parseSpec(IngressSpec, resource.object);
    const annotations = resource.object.metadata?.annotations ?? {};
    const ingressClass = spec?.ingressClassName || annotations['kubernetes.io/ingress.class'] || '';
    const openshiftRouter = ingressClass === '' || ingressClass === OPENSHIFT_CLASS;
    const tls = (spec?.tls ?? []).map((entry) => ({ hosts: entry?.hosts ?? [], secretName: entry?.secretName ?? '' }));
    if (openshiftRouter) {
      const termination = annotations[TERMINATION_ANNOTATION];
      if (termination !== undefined && TLS_TERMINATIONS.has(termination)) {
        return outcome([]);
      }
      if (tls.some((entry) => entry.hosts.length === 0 && entry.secretName === '')) {
        return outcome([]);
      }
    }
    const rules = spec?.rules ?? [];
    if (tls.length === 0) {
      const hosts = rules.map((r) => r?.host).filter((h): h is string => !!h);
      return outcome([
        {
          path: 'spec.tls',
          message:
            hosts.length === 0
              ? 'Ingress has no spec.tls, so it is served over plain HTTP'
              : `Ingress has no spec.tls, so ${listNames(hosts)} ${hosts.length === 1 ? 'is' : 'are'} served over plain HTTP`,
        },
      ]);
    }
    const exactOnly = ingressClass === OPENSHIFT_CLASS;
    const violations: Violation[] = [];
    for (const [i, rule] of rules.entries()) {
      const host = rule?.host ?? '';
      if (host === '') {
        if (exactOnly || !tls.some((entry) => entry.hosts.length === 0)) {
          violations.push({
            path: `spec.rules[${i}]`,
            message: `rule ${i} has no host and no spec.tls entry without hosts covers it, so it is served over plain HTTP`,
          });
        }
        continue;
      }
      if (tls.some((entry) => entry.hosts.some((h) => tlsHostCovers(h, host, !exactOnly)))) {
        continue;
      }
      const wildcardOnly = exactOnly && tls.some((entry) => entry.hosts.some((h) => tlsHostCovers(h, host, true)));
      violations.push({
        path: `spec.rules[${i}].host`,
        message: wildcardOnly
          ? `host "${host}" is covered only by a wildcard spec.tls host, which the OpenShift router does not match, so it is served over plain HTTP`
          : `host "${host}" is not listed in any spec.tls[*].hosts, so it is served over plain HTTP`,
        actual: host,
      });
    }
    return outcome(violations);
  },
});
