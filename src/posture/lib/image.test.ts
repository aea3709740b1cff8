import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '#core';
import { containerImage, imageToCheck, parseImageReference, parseImageReferenceUncached } from './image.ts';

const SHA = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('parseImageReference', () => {
  const valid: readonly (readonly [string, string, string, string | undefined, string | undefined, string])[] = [
    // input, registry, repository, tag, digest, normalized
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined, 'docker.io/library/nginx'],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined, 'docker.io/library/nginx:1.27'],
    ['bitnami/redis:7.2', 'docker.io', 'bitnami/redis', '7.2', undefined, 'docker.io/bitnami/redis:7.2'],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined, 'docker.io/library/nginx'],
    [
      'index.docker.io/library/nginx:latest',
      'docker.io',
      'library/nginx',
      'latest',
      undefined,
      'docker.io/library/nginx:latest',
    ],
    ['myacr.azurecr.io/team/api:v2', 'myacr.azurecr.io', 'team/api', 'v2', undefined, 'myacr.azurecr.io/team/api:v2'],
    ['MyAcr.azurecr.io/api', 'myacr.azurecr.io', 'api', undefined, undefined, 'myacr.azurecr.io/api'],
    ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined, 'localhost:5000/app'],
    ['localhost/app:1', 'localhost', 'app', '1', undefined, 'localhost/app:1'],
    // Docker's rule: a single name is a Docker Hub image even if it looks like a host.
    ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined, 'docker.io/library/localhost:5000'],
    ['[::1]:5000/app:x', '[::1]:5000', 'app', 'x', undefined, '[::1]:5000/app:x'],
    ['10.0.0.1:5000/a/b/c:1.0-rc_1', '10.0.0.1:5000', 'a/b/c', '1.0-rc_1', undefined, '10.0.0.1:5000/a/b/c:1.0-rc_1'],
    [`nginx@${SHA}`, 'docker.io', 'library/nginx', undefined, SHA, `docker.io/library/nginx@${SHA}`],
    [`quay.io/org/app:1.0@${SHA}`, 'quay.io', 'org/app', '1.0', SHA, `quay.io/org/app:1.0@${SHA}`],
    [
      'image-registry.openshift-image-registry.svc:5000/shop/web:prod',
      'image-registry.openshift-image-registry.svc:5000',
      'shop/web',
      'prod',
      undefined,
      'image-registry.openshift-image-registry.svc:5000/shop/web:prod',
    ],
    [
      'registry.k8s.io/pause__x/a-b--c.d_e:3.9',
      'registry.k8s.io',
      'pause__x/a-b--c.d_e',
      '3.9',
      undefined,
      'registry.k8s.io/pause__x/a-b--c.d_e:3.9',
    ],
  ];
  for (const [input, registry, repository, tag, digest, normalized] of valid) {
    it(`parses ${input}`, () => {
      const parsed = parseImageReferenceUncached(input);
      assert.ok(parsed.valid, parsed.valid ? '' : parsed.reason);
      assert.deepEqual(parsed.reference, {
        registry,
        repository,
        ...(tag === undefined ? {} : { tag }),
        ...(digest === undefined ? {} : { digest }),
        normalized,
      });
    });
  }

  const invalid: readonly (readonly [string, string])[] = [
    ['', 'image reference is empty'],
    ['   ', 'image reference is empty'],
    ['Nginx', 'repository "Nginx" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-")'],
    [
      'myacr.azurecr.io/Team/api',
      'repository "Team/api" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-")',
    ],
    ['nginx:', 'tag "" is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")'],
    [
      'nginx:-x',
      'tag "-x" is not valid (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
    ],
    ['nginx@sha256:abc', 'digest "sha256:abc" is not <algorithm>:<hex>'],
    [`nginx@sha256:${'A'.repeat(64)}`, 'sha256 digest must be 64 lower-case hex digits'],
    [`nginx@sha256:${'a'.repeat(65)}`, 'sha256 digest must be 64 lower-case hex digits'],
    ['bad_host.example.com/app', 'registry "bad_host.example.com" is not a valid host[:port]'],
    [
      'app//x',
      'repository "app//x" is not valid (lower-case letters, digits and single separators ".", "_", "__", "-")',
    ],
    [`a/${'b'.repeat(260)}`, 'repository name is longer than 255 characters'],
  ];
  for (const [input, reason] of invalid) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.deepEqual(parseImageReferenceUncached(input), { valid: false, reason });
    });
  }

  it('caches: the same text gives the same result object', () => {
    const a = parseImageReference('ghcr.io/org/tool:1');
    const b = parseImageReference('ghcr.io/org/tool:1');
    assert.equal(a, b);
  });
});

describe('imageToCheck', () => {
  it('skips unset and blank images (OpenShift image change triggers)', () => {
    assert.equal(imageToCheck(undefined), undefined);
    assert.equal(imageToCheck(' '), undefined);
    assert.equal(imageToCheck('nginx'), 'nginx');
  });
});

describe('containerImage', () => {
  it('parses each container once and skips blank images', () => {
    const container = { name: 'web', image: 'nginx:1.27' };
    const first = containerImage(container);
    assert.equal(containerImage(container), first);
    assert.deepEqual(first, {
      valid: true,
      reference: {
        registry: 'docker.io',
        repository: 'library/nginx',
        tag: '1.27',
        normalized: 'docker.io/library/nginx:1.27',
      },
    });
    const triggered: Container = { name: 'dc', image: ' ' };
    const unset: Container = { name: 'none' };
    assert.equal(containerImage(triggered), undefined);
    assert.equal(containerImage(unset), undefined);
  });
});
