import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '#core';
import { loadManifests, STDIN } from './load.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/inventory/', import.meta.url));
const mustGather = join(fixtures, 'must-gather');

const scratch = mkdtempSync(join(tmpdir(), 'palisade-load-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory under the scratch root, with the given files. */
function tree(files: Readonly<Record<string, string | Buffer>>): string {
  const dir = join(scratch, `t${counter++}`);
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('loadManifests', () => {
  it('walks a must-gather tree, keeps an object written twice once and ignores logs', async () => {
    const result = await loadManifests([mustGather]);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.resources.map((r) => [r.key, relative(mustGather, r.source.file), r.source.line]),
      [
        [
          'rbac.authorization.k8s.io/ClusterRole//view',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/cluster-scoped-resources/rbac.authorization.k8s.io/clusterroles/view.yaml',
          2,
        ],
        [
          'security.openshift.io/SecurityContextConstraints//restricted-v2',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/cluster-scoped-resources/security.openshift.io/securitycontextconstraints/restricted-v2.yaml',
          2,
        ],
        [
          'apps/Deployment/shop/web',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/namespaces/shop/apps/deployments.yaml',
          4,
        ],
        [
          '/Pod/shop/web-6d5f7c9b8-2xkqp',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/namespaces/shop/core/pods.yaml',
          4,
        ],
        [
          '/Pod/shop/web-6d5f7c9b8-9mz7t',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/namespaces/shop/core/pods.yaml',
          19,
        ],
        [
          '/Namespace//shop',
          'quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-7d1e3f0c/namespaces/shop/shop.yaml',
          2,
        ],
      ],
    );
    assert.deepEqual(result.stats, { filesRead: 6, filesIgnored: 2, documents: 7, duplicates: 1 });
  });

  it('reads standard input through the stdin option', async () => {
    const result = await loadManifests(['-'], { stdin: async () => namespace('from-stdin') });
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.resources.map((r) => [r.name, r.source]),
      [['from-stdin', { file: STDIN, line: 1, document: 0 }]],
    );
  });

  it('skips standard input over the size limit', async () => {
    const result = await loadManifests(['-'], { stdin: async () => namespace('big'), maxFileBytes: 10 });
    assert.deepEqual(result.resources, []);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.location.file]),
      [['input.too-large', STDIN]],
    );
  });

  it('reads a file named explicitly whatever its extension, but walks only manifest extensions', async () => {
    const dir = tree({
      'a.yaml': namespace('a'),
      'b.yml': namespace('b'),
      'c.json': '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"c"}}',
      'd.txt': namespace('d'),
      'README.md': '# notes\n',
    });
    const walked = await loadManifests([dir]);
    assert.deepEqual(
      walked.resources.map((r) => r.name),
      ['a', 'b', 'c'],
    );
    assert.equal(walked.stats.filesIgnored, 2);
    const named = await loadManifests([join(dir, 'd.txt')]);
    assert.deepEqual(
      named.resources.map((r) => r.name),
      ['d'],
    );
  });

  it('reads a file reached twice only once', async () => {
    const dir = tree({ 'a.yaml': namespace('a') });
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'b.yaml'));
    const result = await loadManifests([dir, join(dir, 'a.yaml')]);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.resources.map((r) => r.name),
      ['a'],
    );
    assert.equal(result.stats.filesRead, 1);
  });

  it('skips a binary file with a diagnostic and reads the rest', async () => {
    const dir = tree({
      'a.yaml': namespace('a'),
      'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    });
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.resources.map((r) => r.name),
      ['a'],
    );
    assert.deepEqual(result.diagnostics, [
      {
        level: 'error',
        code: 'input.binary',
        message: 'file is binary (contains NUL bytes), not YAML or JSON; it was skipped',
        location: { file: join(dir, 'image.yaml') },
      },
    ]);
  });

  for (const [delta, loaded] of [
    [-1, false],
    [0, true],
    [1, true],
  ] as const) {
    it(`applies maxFileBytes at the boundary (limit = size ${delta < 0 ? '- 1' : delta > 0 ? '+ 1' : ''})`, async () => {
      const dir = tree({ 'a.yaml': namespace('a') });
      const file = join(dir, 'a.yaml');
      const size = statSync(file).size;
      const result = await loadManifests([dir], { maxFileBytes: size + delta });
      assert.equal(result.resources.length, loaded ? 1 : 0);
      assert.deepEqual(
        result.diagnostics,
        loaded
          ? []
          : [
              {
                level: 'error',
                code: 'input.too-large',
                message: `file is ${size} bytes, over the ${size - 1}-byte limit (--max-file-size); it was skipped`,
                location: { file },
              },
            ],
      );
    });
  }

  it('follows directory links once and survives a link loop', async () => {
    const dir = tree({ 'sub/a.yaml': namespace('a') });
    symlinkSync('..', join(dir, 'sub', 'up')); // sub/up -> dir: a loop back to the root
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.resources.map((r) => r.name),
      ['a'],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.level, d.code, d.message]),
      [
        ['warning', 'input.broken-link', 'symbolic link dangling.yaml points nowhere; it was skipped'],
        ['warning', 'input.link-loop', 'symbolic link loop-a is part of a loop; it was skipped'],
        ['warning', 'input.link-loop', 'symbolic link loop-b is part of a loop; it was skipped'],
      ],
    );
  });

  it('keeps every valid document when one is malformed, and a workload with a bad pod spec', async () => {
    const result = await loadManifests([
      join(fixtures, 'bad/malformed-document.yaml'),
      join(fixtures, 'bad/wrong-type-pod.yaml'),
    ]);
    assert.deepEqual(
      result.resources.map((r) => [r.kind, r.name, r.podError]),
      [
        ['ConfigMap', 'before', undefined],
        ['ConfigMap', 'after', undefined],
        [
          'Deployment',
          'web',
          'spec.template.spec.containers[0].securityContext.privileged: Invalid input: expected boolean, received string',
        ],
      ],
    );
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, relative(fixtures, d.location.file), d.location.line, d.location.column]),
      [
        ['yaml.syntax', 'bad/malformed-document.yaml', 11, 1],
        ['manifest.invalid-pod-template', 'bad/wrong-type-pod.yaml', 1, undefined],
      ],
    );
  });

  it('keeps two different objects with one identity, told apart by their source', async () => {
    const dir = tree({ 'a.yaml': namespace('same'), 'b.yaml': namespace('same') });
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.resources.map((r) => r.key),
      ['/Namespace//same', `/Namespace//same@${join(dir, 'b.yaml')}:1`],
    );
    assert.equal(result.stats.duplicates, 0);
  });

  it('drops a live object read again (same uid and resourceVersion), keeping other versions of it', async () => {
    const live = (version: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\n  uid: 6f1c1f9e-2b1a-4c55-9d7e-1a2b3c4d5e6f\n  resourceVersion: "${version}"\n`;
    const dir = tree({ 'a.yaml': live('100'), 'b.yaml': live('200'), 'c.yaml': live('200'), 'd.yaml': live('100') });
    const result = await loadManifests([dir]);
    assert.deepEqual(
      result.resources.map((r) => [r.source.file.slice(dir.length + 1), r.object.metadata?.resourceVersion]),
      [
        ['a.yaml', '100'],
        ['b.yaml', '200'],
      ],
    );
    assert.equal(result.stats.duplicates, 2);
  });

  it('keeps unknown kinds as resources', async () => {
    const result = await loadManifests([join(fixtures, 'manifests/unknown-kind.yaml')]);
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(
      result.resources.map((r) => [r.group, r.kind, r.namespace, r.name, r.pod]),
      [['monitoring.coreos.com', 'ServiceMonitor', 'shop', 'web', undefined]],
    );
  });

  it('throws InputError for a path that does not exist', async () => {
    await assert.rejects(loadManifests([join(scratch, 'nope')]), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'input.not-found');
      return true;
    });
  });
});
