import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodView } from '#core';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { definePssCheck, joinQuote, type PssCheck, sortedUnique } from './pss.ts';
import { allPssVersions, formatPssVersion, LATEST_PSS_VERSION, parsePssVersion } from './pss-version.ts';

const META = {
  title: 'Test check',
  description: 'Test.',
  severity: 'low',
  maturity: 'stable',
  frameworks: [{ framework: 'pss-baseline', control: 'sysctls' }],
  remediation: { summary: 'Fix it.' },
  references: ['https://kubernetes.io/'],
} as const;

const deny = (reason: string) => (_pod: PodView) => ({
  reason,
  detail: '',
  violations: [{ path: 'spec', message: reason }],
});

const baseline: PssCheck = definePssCheck({
  level: 'baseline',
  upstreamId: 'test_baseline',
  revisions: [
    { since: 0, evaluate: deny('baseline 1.0') },
    { since: 10, evaluate: deny('baseline 1.10') },
  ],
  meta: { ...META, id: 'PAL-K8S-0098', slug: 'test-baseline' },
});

const restricted = definePssCheck({
  level: 'restricted',
  upstreamId: 'test_restricted',
  revisions: [{ since: 20, evaluate: deny('restricted 1.20') }],
  overrides: baseline,
  meta: { ...META, id: 'PAL-K8S-0099', slug: 'test-restricted' },
});

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers: [{name: c, image: i}]\n';

function messageAt(check: PssCheck, minor: number): string | undefined {
  return runCheckOn(check, POD, { pssVersion: { major: 1, minor } })[0]?.message;
}

describe('definePssCheck', () => {
  it('picks the newest revision at or below the version, clamping to the newest version', () => {
    assert.equal(messageAt(baseline, 9), 'Pod "n/p" violates PodSecurity "baseline:v1.9": baseline 1.0');
    assert.equal(messageAt(baseline, 10), 'Pod "n/p" violates PodSecurity "baseline:v1.10": baseline 1.10');
    assert.equal(
      messageAt(baseline, LATEST_PSS_VERSION.minor + 3),
      `Pod "n/p" violates PodSecurity "baseline:${formatPssVersion(LATEST_PSS_VERSION)}": baseline 1.10`,
    );
  });

  it('runs the overridden baseline revision before the restricted check exists', () => {
    assert.equal(messageAt(restricted, 19), 'Pod "n/p" violates PodSecurity "restricted:v1.19": baseline 1.10');
    assert.equal(messageAt(restricted, 20), 'Pod "n/p" violates PodSecurity "restricted:v1.20": restricted 1.20');
    assert.deepEqual(restricted.meta.overrides, ['PAL-K8S-0098']);
    assert.equal(restricted.pss.overrides, 'test_baseline');
  });

  it('is not applicable before its first revision when it overrides nothing', () => {
    const late = definePssCheck({
      level: 'restricted',
      upstreamId: 'late',
      revisions: [{ since: 23, evaluate: deny('late') }],
      meta: { ...META, id: 'PAL-K8S-0097', slug: 'late' },
    });
    const [finding] = runCheckOn(late, POD, { pssVersion: { major: 1, minor: 22 } });
    assert.equal(finding?.status, 'not-applicable');
    assert.equal(finding?.reason, 'check introduced in v1.23');
  });

  it('rejects revisions out of order and overrides outside restricted-over-baseline', () => {
    assert.throws(() =>
      definePssCheck({
        level: 'baseline',
        upstreamId: 'bad',
        revisions: [
          { since: 5, evaluate: deny('a') },
          { since: 5, evaluate: deny('b') },
        ],
        meta: { ...META, id: 'PAL-K8S-0096', slug: 'bad' },
      }),
    );
    assert.throws(() =>
      definePssCheck({
        level: 'baseline',
        upstreamId: 'bad',
        revisions: [{ since: 0, evaluate: deny('a') }],
        overrides: baseline,
        meta: { ...META, id: 'PAL-K8S-0096', slug: 'bad' },
      }),
    );
  });
});

describe('helpers', () => {
  it('quote and sort like upstream', () => {
    assert.equal(joinQuote(['a', 'b']), '"a", "b"');
    assert.equal(joinQuote([]), '');
    assert.deepEqual(sortedUnique(['9000', '10080', '9000', 'B', 'a']), ['10080', '9000', 'B', 'a']);
  });
});

describe('pss-version', () => {
  it('parses labels and clamps newer versions to the newest', () => {
    assert.deepEqual(parsePssVersion('v1.19'), { major: 1, minor: 19 });
    assert.equal(parsePssVersion('latest'), LATEST_PSS_VERSION);
    assert.equal(parsePssVersion('v1.99'), LATEST_PSS_VERSION);
    assert.throws(() => parsePssVersion('1.19'), /invalid Pod Security Standards version "1.19"/);
    assert.throws(() => parsePssVersion('v2.0'));
  });

  it('lists every version from v1.0 to the newest', () => {
    const versions = allPssVersions();
    assert.equal(versions.length, LATEST_PSS_VERSION.minor + 1);
    assert.equal(formatPssVersion(versions[0] ?? LATEST_PSS_VERSION), 'v1.0');
    assert.equal(LATEST_PSS_VERSION.minor, 37);
  });
});
