import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATEST_PSS_VERSION } from '#posture';
import { defaultPolicy, formatLevelVersion, fullyPrivileged, levelSelection, policyForNamespace } from './modes.ts';

const DEFAULTS = defaultPolicy(undefined);
const summary = (labels: Record<string, string> | undefined, defaults = DEFAULTS, honor?: boolean) => {
  const policy = policyForNamespace(labels, defaults, honor === undefined ? {} : { honorPodSecurityLabels: honor });
  return {
    enforce: formatLevelVersion(policy.enforce),
    warn: formatLevelVersion(policy.warn),
    audit: formatLevelVersion(policy.audit),
    errors: policy.errors.map((e) => e.label),
  };
};

describe('namespace policy (PSA label semantics)', () => {
  it('defaults to privileged:latest for every mode, which evaluates nothing', () => {
    assert.deepEqual(summary(undefined), {
      enforce: 'privileged:latest',
      warn: 'privileged:latest',
      audit: 'privileged:latest',
      errors: [],
    });
    assert.ok(fullyPrivileged(DEFAULTS));
    assert.deepEqual(levelSelection('privileged'), { kind: 'none' });
  });

  it('reads level and version per mode; levels map to frameworks, palisade to every check', () => {
    const policy = policyForNamespace(
      {
        'palisade.io/enforce': 'baseline',
        'palisade.io/enforce-version': 'v1.24',
        'palisade.io/warn': 'restricted',
        'palisade.io/audit': 'cis-kubernetes-1.9',
      },
      DEFAULTS,
    );
    assert.equal(formatLevelVersion(policy.enforce), 'baseline:v1.24');
    assert.deepEqual(policy.enforce.version, { major: 1, minor: 24 });
    assert.equal(formatLevelVersion(policy.warn), 'restricted:latest');
    assert.equal(formatLevelVersion(policy.audit), 'cis-kubernetes-1.9:latest');
    assert.equal(policy.enforce.source, 'palisade-label');
    assert.deepEqual(levelSelection('baseline'), { kind: 'frameworks', frameworks: ['pss-baseline'] });
    assert.deepEqual(levelSelection('restricted'), { kind: 'frameworks', frameworks: ['pss-restricted'] });
    assert.deepEqual(levelSelection('palisade'), { kind: 'all' });
    assert.equal(levelSelection('no-such-framework'), undefined);
  });

  it('a version newer than Palisade knows evaluates as the newest, keeping the label text', () => {
    const policy = policyForNamespace(
      { 'palisade.io/enforce': 'baseline', 'palisade.io/enforce-version': 'v1.999' },
      DEFAULTS,
    );
    assert.equal(policy.enforce.versionText, 'v1.999');
    assert.deepEqual(policy.enforce.version, LATEST_PSS_VERSION);
    assert.deepEqual(policy.errors, []);
  });

  it('invalid level: enforce fails closed (restricted), warn and audit open (privileged); invalid version is latest', () => {
    const policy = policyForNamespace(
      {
        'palisade.io/enforce': 'strict',
        'palisade.io/enforce-version': 'v1.05',
        'palisade.io/warn': 'Restricted',
        'palisade.io/audit': '',
        'palisade.io/audit-version': '1.30',
      },
      DEFAULTS,
    );
    assert.equal(formatLevelVersion(policy.enforce), 'restricted:latest');
    assert.equal(formatLevelVersion(policy.warn), 'privileged:latest');
    assert.equal(formatLevelVersion(policy.audit), 'privileged:latest');
    assert.deepEqual(
      policy.errors.map((e) => `${e.label}=${e.value}`),
      [
        'palisade.io/enforce=strict',
        'palisade.io/enforce-version=v1.05',
        'palisade.io/warn=Restricted',
        'palisade.io/audit=',
        'palisade.io/audit-version=1.30',
      ],
    );
    assert.match(policy.errors[0]?.message ?? '', /evaluated as "restricted"/);
  });

  it('falls back to config defaults per label: a level label alone keeps the default version', () => {
    const defaults = defaultPolicy({
      defaults: { enforce: 'baseline', 'enforce-version': 'v1.28', warn: 'restricted', audit: 'palisade' },
    });
    assert.deepEqual(summary({ 'palisade.io/enforce': 'restricted', team: 'shop' }, defaults), {
      enforce: 'restricted:v1.28',
      warn: 'restricted:latest',
      audit: 'palisade:latest',
      errors: [],
    });
    assert.deepEqual(summary({ 'palisade.io/enforce-version': 'v1.30' }, defaults).enforce, 'baseline:v1.30');
  });

  it('honours pod-security.kubernetes.io labels for modes without palisade.io labels, unless disabled', () => {
    const labels = {
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.29',
      'pod-security.kubernetes.io/warn': 'baseline',
      'palisade.io/warn': 'palisade',
      'pod-security.kubernetes.io/audit': 'palisade',
    };
    const policy = policyForNamespace(labels, DEFAULTS);
    assert.equal(formatLevelVersion(policy.enforce), 'restricted:v1.29');
    assert.equal(policy.enforce.source, 'pod-security-label');
    assert.equal(formatLevelVersion(policy.warn), 'palisade:latest', 'palisade.io wins over pod-security');
    // 'palisade' is not one of PSA's levels: invalid there, fail open for audit.
    assert.equal(formatLevelVersion(policy.audit), 'privileged:latest');
    assert.deepEqual(
      policy.errors.map((e) => e.label),
      ['pod-security.kubernetes.io/audit'],
    );
    assert.deepEqual(summary(labels, DEFAULTS, false), {
      enforce: 'privileged:latest',
      warn: 'palisade:latest',
      audit: 'privileged:latest',
      errors: [],
    });
  });

  it('rejects unknown levels and versions in config defaults, naming the key', () => {
    assert.throws(
      () => defaultPolicy({ defaults: { enforce: 'strict' } }),
      /admission\.defaults\.enforce: unknown level "strict"/,
    );
    assert.equal(
      formatLevelVersion(defaultPolicy({ defaults: { audit: 'mcsb-v1', 'audit-version': 'v1.0' } }).audit),
      'mcsb-v1:v1.0',
    );
  });
});
