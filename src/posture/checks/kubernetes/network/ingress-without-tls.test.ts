import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { ingressWithoutTls } from './ingress-without-tls.ts';

const ingress = (spec: string, annotations = '{}', apiVersion = 'networking.k8s.io/v1') => `
apiVersion: ${apiVersion}
kind: Ingress
metadata: {name: web, namespace: shop, annotations: ${annotations}}
spec: ${spec}
`;

describe('ingress-without-tls', () => {
  const cases: readonly {
    readonly name: string;
    readonly yaml: string;
    readonly status: string;
    readonly violations?: readonly { readonly path: string; readonly message: string }[];
  }[] = [
    {
      name: 'no tls, two hosts',
      yaml: ingress('{ingressClassName: nginx, rules: [{host: a.example.com}, {host: b.example.com}, {}]}'),
      status: 'fail',
      violations: [
        {
          path: 'spec.tls',
          message: 'Ingress has no spec.tls, so "a.example.com" and "b.example.com" are served over plain HTTP',
        },
      ],
    },
    {
      name: 'a wildcard covers exactly one label',
      yaml: ingress(
        '{ingressClassName: nginx, tls: [{hosts: ["*.example.com"], secretName: wild}], rules: [{host: a.example.com}, {host: x.a.example.com}, {host: example.com}, {host: "*.example.com"}]}',
      ),
      status: 'fail',
      violations: [
        {
          path: 'spec.rules[1].host',
          message: 'host "x.a.example.com" is not listed in any spec.tls[*].hosts, so it is served over plain HTTP',
        },
        {
          path: 'spec.rules[2].host',
          message: 'host "example.com" is not listed in any spec.tls[*].hosts, so it is served over plain HTTP',
        },
      ],
    },
    {
      name: 'a rule without host needs a TLS entry without hosts',
      yaml: ingress(
        '{ingressClassName: nginx, tls: [{hosts: [a.example.com], secretName: a}], rules: [{host: a.example.com}, {http: {paths: []}}]}',
      ),
      status: 'fail',
      violations: [
        {
          path: 'spec.rules[1]',
          message: 'rule 1 has no host and no spec.tls entry without hosts covers it, so it is served over plain HTTP',
        },
      ],
    },
    {
      name: 'a TLS entry without hosts covers a rule without host',
      yaml: ingress('{ingressClassName: nginx, tls: [{secretName: default-cert}], rules: [{http: {paths: []}}]}'),
      status: 'pass',
    },
    {
      name: 'host matching ignores case',
      yaml: ingress(
        '{ingressClassName: nginx, tls: [{hosts: [Shop.Example.com], secretName: s}], rules: [{host: shop.example.com}]}',
      ),
      status: 'pass',
    },
    {
      name: 'OpenShift: termination annotation gives TLS without spec.tls',
      yaml: ingress('{rules: [{host: a.apps.example.com}]}', '{route.openshift.io/termination: edge}'),
      status: 'pass',
    },
    {
      name: 'OpenShift: an unknown termination value is ignored',
      yaml: ingress('{rules: [{host: a.apps.example.com}]}', '{route.openshift.io/termination: Edge}'),
      status: 'fail',
      violations: [
        { path: 'spec.tls', message: 'Ingress has no spec.tls, so "a.apps.example.com" is served over plain HTTP' },
      ],
    },
    {
      name: 'the OpenShift annotation means nothing to another controller',
      yaml: ingress(
        '{ingressClassName: nginx, rules: [{host: a.example.com}]}',
        '{route.openshift.io/termination: edge}',
      ),
      status: 'fail',
      violations: [
        { path: 'spec.tls', message: 'Ingress has no spec.tls, so "a.example.com" is served over plain HTTP' },
      ],
    },
    {
      name: 'OpenShift: an empty TLS entry uses the default certificate for every rule',
      yaml: ingress(
        '{ingressClassName: openshift-default, tls: [{}], rules: [{host: a.apps.example.com}, {host: b.apps.example.com}]}',
      ),
      status: 'pass',
    },
    {
      name: 'OpenShift class: wildcard TLS hosts do not match',
      yaml: ingress(
        '{ingressClassName: openshift-default, tls: [{hosts: ["*.apps.example.com"], secretName: w}], rules: [{host: a.apps.example.com}]}',
      ),
      status: 'fail',
      violations: [
        {
          path: 'spec.rules[0].host',
          message:
            'host "a.apps.example.com" is covered only by a wildcard spec.tls host, which the OpenShift router does not match, so it is served over plain HTTP',
        },
      ],
    },
    {
      name: 'legacy class annotation is honoured',
      yaml: ingress(
        '{tls: [{hosts: ["*.example.com"], secretName: w}], rules: [{host: a.example.com}]}',
        '{kubernetes.io/ingress.class: nginx}',
        'extensions/v1beta1',
      ),
      status: 'pass',
    },
    {
      name: 'default backend only, no tls',
      yaml: ingress('{defaultBackend: {service: {name: web, port: {number: 80}}}}'),
      status: 'fail',
      violations: [{ path: 'spec.tls', message: 'Ingress has no spec.tls, so it is served over plain HTTP' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const findings = runCheckOn(ingressWithoutTls, c.yaml);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.status, c.status);
      assert.deepEqual(
        findings[0]?.violations.map((v) => ({ path: v.path, message: v.message })),
        c.violations ?? [],
      );
    });
  }
});
