import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '#core';
import { isLoopback, parseReference } from './reference.ts';

const D = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('parseReference', () => {
  const good: [string, string, string, string, string | undefined, string | undefined][] = [
    // input, normalized, apiHost, repository, tag, digest
    ['nginx', 'docker.io/library/nginx:latest', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    [
      'nginx:1.25-alpine',
      'docker.io/library/nginx:1.25-alpine',
      'registry-1.docker.io',
      'library/nginx',
      '1.25-alpine',
      undefined,
    ],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest', 'registry-1.docker.io', 'bitnami/redis', 'latest', undefined],
    ['docker.io/nginx', 'docker.io/library/nginx:latest', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    [
      'index.docker.io/library/nginx:1',
      'docker.io/library/nginx:1',
      'registry-1.docker.io',
      'library/nginx',
      '1',
      undefined,
    ],
    ['registry:5000/a/b:tag', 'registry:5000/a/b:tag', 'registry:5000', 'a/b', 'tag', undefined],
    ['a/b@' + D, `docker.io/a/b@${D}`, 'registry-1.docker.io', 'a/b', undefined, D],
    ['host.example/a:tag@' + D, `host.example/a:tag@${D}`, 'host.example', 'a', 'tag', D],
    ['localhost/x', 'localhost/x:latest', 'localhost', 'x', 'latest', undefined],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000', 'x', 'latest', undefined],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000', 'x', 'latest', undefined],
    ['[2001:db8::1]/team/app:v1', '[2001:db8::1]/team/app:v1', '[2001:db8::1]', 'team/app', 'v1', undefined],
    ['MyACR.azurecr.io/team/app:v1', 'myacr.azurecr.io/team/app:v1', 'myacr.azurecr.io', 'team/app', 'v1', undefined],
    ['Upper/app', 'upper/app:latest', 'upper', 'app', 'latest', undefined],
    ['quay.io/a/b/c__d-e.f:_x', 'quay.io/a/b/c__d-e.f:_x', 'quay.io', 'a/b/c__d-e.f', '_x', undefined],
    ['ghcr.io/o/r:sha-1a2b---3', 'ghcr.io/o/r:sha-1a2b---3', 'ghcr.io', 'o/r', 'sha-1a2b---3', undefined],
  ];
  for (const [input, normalized, apiHost, repository, tag, digest] of good) {
    it(`parses ${input}`, () => {
      const ref = parseReference(input);
      assert.equal(ref.normalized, normalized);
      assert.equal(ref.apiHost, apiHost);
      assert.equal(ref.repository, repository);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, digest);
      assert.equal(ref.reference, digest ?? tag);
    });
  }

  it('asks for the digest when both tag and digest are given', () => {
    assert.equal(parseReference(`host:5000/a:tag@${D}`).reference, D);
  });

  const bad: [string, RegExp][] = [
    ['', /it is empty/],
    ['   ', /it is empty/],
    ['nginx:', /tag "" must be/],
    ['nginx:-bad', /tag "-bad" must be/],
    [`nginx:${'t'.repeat(129)}`, /tag "t+" must be/],
    ['Nginx', /repository "Nginx" must be lower-case/],
    ['docker.io/Library/nginx', /repository "Library\/nginx" must be lower-case/],
    ['host.example/a__-b', /repository "a__-b" must be path components/],
    ['host.example//a', /repository "\/a" must be/],
    ['host.example/a/', /repository "a\/" must be/],
    ['a/b@sha256:abc', /digest "sha256:abc" is not <algorithm>/],
    [`a/b@sha256:${'A'.repeat(64)}`, /sha256 digest .* must have 64 lower-case hex digits/],
    ['a/b@md5', /digest "md5" is not/],
    ['-host.example/a', /registry "-host.example" is not a valid host/],
    ['[::1]:5000', /needs a repository after it/],
    ['[zz::1]:5000/x', /registry "\[zz::1\]:5000" is not a valid host/],
    ['0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', /image ID/],
    [`example.com/${'a'.repeat(250)}`, /longer than 255/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(
        () => parseReference(input),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.match(error.message, message);
          assert.ok(error.message.includes(`"${input}"`), 'names the offending text');
          return true;
        },
      );
    });
  }
});

describe('isLoopback', () => {
  it('treats localhost, 127/8 and ::1 as loopback, with or without a port', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]', '[::1]:5000']) {
      assert.equal(isLoopback(host), true, host);
    }
    for (const host of [
      'registry-1.docker.io',
      '10.0.0.1:5000',
      '[2001:db8::1]:5000',
      'localhost.example.com',
      '128.0.0.1',
    ]) {
      assert.equal(isLoopback(host), false, host);
    }
  });
});
