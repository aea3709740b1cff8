import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.ts';
import { parseConfig } from './load.ts';
import { parseByteSize } from './schema.ts';

describe('parseConfig', () => {
  it('reads a full config', () => {
    const config = parseConfig(
      [
        'apiVersion: palisade.io/v1alpha1',
        'kind: Config',
        'scan:',
        '  failOn: medium',
        '  frameworks: [pss-restricted]',
        '  maxFileSize: 10MiB',
        'settings:',
        '  allowedRegistries: ["*.azurecr.io"]',
        'exemptions:',
        '  - reason: sidecar',
        '    checks: [host-ports]',
        '    containers: [istio-proxy]',
        '    expires: 2027-01-31',
        'annotations:',
        '  forbid:',
        '    checks: [PAL-K8S-0001]',
      ].join('\n'),
      'palisade.yaml',
    );
    assert.equal(config.scan?.failOn, 'medium');
    assert.equal(config.scan?.maxFileSize, 10 * 1024 * 1024);
    assert.deepEqual(config.settings?.allowedRegistries, ['*.azurecr.io']);
    assert.equal(config.exemptions?.[0]?.expires, '2027-01-31');
    assert.deepEqual(config.annotations, { enabled: true, forbid: { checks: ['PAL-K8S-0001'], namespaces: [] } });
  });

  it('treats an empty file as an empty config', () => {
    assert.deepEqual(parseConfig('', 'palisade.yaml'), {});
  });

  it('names file, line and key for every problem at once', () => {
    const text = [
      'scan:',
      '  failOn: severe',
      '  colour: true',
      'exemptions:',
      '  - checks: [x]',
      '    expires: 2027-02-30',
    ].join('\n');
    assert.throws(
      () => parseConfig(text, 'cfg.yaml'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /cfg\.yaml:2: scan\.failOn: /);
        assert.match(error.message, /cfg\.yaml:3: scan\.colour: Unrecognized key/);
        assert.match(error.message, /cfg\.yaml:5: exemptions\[0\]\.reason: /);
        assert.match(error.message, /cfg\.yaml:6: exemptions\[0\]\.expires: not a real calendar date/);
        return true;
      },
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    assert.throws(() => parseConfig('scan:\n  failOn: [high\n', 'bad.yaml'), /bad\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('parseByteSize', () => {
  const cases: [string, number][] = [
    ['1048576', 1048576],
    ['64MiB', 64 * 1024 ** 2],
    ['10MB', 10_000_000],
    ['512KiB', 512 * 1024],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['100B', 100],
  ];
  for (const [text, bytes] of cases) {
    it(`${text} = ${bytes}`, () => assert.equal(parseByteSize(text), bytes));
  }
  it('rejects nonsense', () => assert.ok(Number.isNaN(parseByteSize('lots'))));
});
