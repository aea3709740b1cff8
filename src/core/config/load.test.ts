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

  it('reads settings.openshiftSupport: a quoted minor, or a date', () => {
    const minor = parseConfig('settings:\n  openshiftSupport:\n    oldestSupportedMinor: "4.20"\n', 'palisade.yaml');
    assert.deepEqual(minor.settings?.openshiftSupport, { oldestSupportedMinor: '4.20' });
    const date = parseConfig('settings:\n  openshiftSupport:\n    asOf: 2027-01-10\n', 'palisade.yaml');
    assert.deepEqual(date.settings?.openshiftSupport, { asOf: '2027-01-10' });
  });

  it('rejects bad settings.openshiftSupport values, naming file, line and key', () => {
    const cases: readonly (readonly [string, RegExp])[] = [
      [
        'oldestSupportedMinor: 4.20',
        /p\.yaml:3: settings\.openshiftSupport\.oldestSupportedMinor: expected a quoted minor version such as "4\.18": YAML reads the unquoted 4\.2 as a number/,
      ],
      [
        'oldestSupportedMinor: "4.18.3"',
        /p\.yaml:3: settings\.openshiftSupport\.oldestSupportedMinor: expected a minor version such as "4\.18" \(major\.minor, no patch\)/,
      ],
      [
        'oldestSupportedMinor: "v4.18"',
        /p\.yaml:3: settings\.openshiftSupport\.oldestSupportedMinor: expected a minor/,
      ],
      ['asOf: 2027-02-30', /p\.yaml:3: settings\.openshiftSupport\.asOf: not a real calendar date/],
      ['asOf: next-release', /p\.yaml:3: settings\.openshiftSupport\.asOf: expected a date as YYYY-MM-DD/],
      ['oldestMinor: "4.18"', /p\.yaml:3: settings\.openshiftSupport\.oldestMinor: Unrecognized key/],
    ];
    for (const [line, expected] of cases) {
      assert.throws(
        () => parseConfig(`settings:\n  openshiftSupport:\n    ${line}\n`, 'p.yaml'),
        (error: unknown) => error instanceof ConfigError && expected.test(error.message),
        line,
      );
    }
    assert.throws(
      () =>
        parseConfig(
          'settings:\n  openshiftSupport:\n    oldestSupportedMinor: "4.18"\n    asOf: 2027-01-10\n',
          'p.yaml',
        ),
      /p\.yaml:4: settings\.openshiftSupport\.asOf: set oldestSupportedMinor or asOf, not both/,
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
