import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { imageRegistriesUnrestricted } from './image-registries-unrestricted.ts';

const image = (spec: string, name = 'cluster') => `
apiVersion: config.openshift.io/v1
kind: Image
metadata: { name: ${name} }
spec: ${spec}
status: { internalRegistryHostname: "image-registry.openshift-image-registry.svc:5000" }
`;

function only(text: string, file?: string): Finding {
  const [finding, ...rest] = runCheckOn(imageRegistriesUnrestricted, text, undefined, file);
  assert.ok(finding);
  assert.equal(rest.length, 0);
  return finding;
}

const UNRESTRICTED = {
  path: 'spec.registrySources',
  message:
    'neither spec.registrySources.allowedRegistries nor blockedRegistries is set, so pods can run images from any registry',
};

describe('image-registries-unrestricted', () => {
  it('fails on the installed default (spec: {}): no registry is denied', () => {
    const finding = only(image('{}'));
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [UNRESTRICTED]);
    assert.equal(
      finding.remediation.command,
      'oc patch image.config.openshift.io cluster --type=merge -p \'{"spec":{"registrySources":{"allowedRegistries":["quay.io","registry.redhat.io","image-registry.openshift-image-registry.svc:5000","arosvc.azurecr.io","<registry>.azurecr.io"],"insecureRegistries":[]}}}\'',
    );
  });

  it('fails on empty lists as on absent ones', () => {
    assert.deepEqual(only(image('{ registrySources: { allowedRegistries: [], blockedRegistries: [] } }')).violations, [
      UNRESTRICTED,
    ]);
  });

  it('passes with an allow list', () => {
    assert.equal(
      only(image('{ registrySources: { allowedRegistries: [quay.io, registry.redhat.io, contoso.azurecr.io] } }'))
        .status,
      'pass',
    );
  });

  it('passes with a block list', () => {
    assert.equal(only(image('{ registrySources: { blockedRegistries: [docker.io] } }')).status, 'pass');
  });

  it('fails per insecure registry and per insecure import, even with an allow list', () => {
    const finding = only(
      image(`
  registrySources:
    allowedRegistries: [quay.io, "registry.lab:5000"]
    insecureRegistries: ["registry.lab:5000", "10.0.0.4:5000"]
  allowedRegistriesForImport:
    - { domainName: quay.io, insecure: false }
    - { domainName: "registry.lab:5000", insecure: true }`),
    );
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.violations, [
      {
        path: 'spec.registrySources.insecureRegistries[0]',
        message:
          'registry "registry.lab:5000" is listed as insecure, so images are pulled from it over plain HTTP or without TLS certificate verification',
        actual: 'registry.lab:5000',
      },
      {
        path: 'spec.registrySources.insecureRegistries[1]',
        message:
          'registry "10.0.0.4:5000" is listed as insecure, so images are pulled from it over plain HTTP or without TLS certificate verification',
        actual: '10.0.0.4:5000',
      },
      {
        path: 'spec.allowedRegistriesForImport[1].insecure',
        message: 'image streams may import from "registry.lab:5000" insecurely, over plain HTTP',
        actual: true,
      },
    ]);
  });

  it('reads oc get -o json output', () => {
    const json = JSON.stringify({
      apiVersion: 'config.openshift.io/v1',
      kind: 'Image',
      metadata: { name: 'cluster' },
      spec: { registrySources: { insecureRegistries: ['registry.lab:5000'] } },
    });
    const finding = only(json, 'a.json');
    assert.deepEqual(
      finding.violations.map((v) => v.path),
      ['spec.registrySources', 'spec.registrySources.insecureRegistries[0]'],
    );
  });

  it('is not applicable to an Image not named cluster', () => {
    assert.equal(only(image('{}', 'other')).status, 'not-applicable');
  });

  it('reports a field of the wrong type as an error naming it', () => {
    const finding = only(image('{ registrySources: { allowedRegistries: quay.io } }'));
    assert.equal(finding.status, 'error');
    assert.match(finding.reason ?? '', /spec\.registrySources\.allowedRegistries/);
  });
});
