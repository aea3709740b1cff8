import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { ARO_CALENDAR_DATE, ARO_RELEASES, supportedWindow } from '../../../lib/openshift-versions.ts';
import { aroVersionUnsupported } from './aro-version-unsupported.ts';

const ID =
  '/subscriptions/7c9e4a2b-1f3d-4e8a-b6c5-2d9f0e1a3b4c/resourceGroups/rg-aro-prod/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod-weu';
const cluster = (properties: Record<string, unknown> | null) => ({
  id: ID,
  name: 'aro-prod-weu',
  type: 'Microsoft.RedHatOpenShift/openShiftClusters',
  location: 'westeurope',
  properties,
});
const run = (...resources: unknown[]) =>
  runCheckOn(aroVersionUnsupported, JSON.stringify(resources), undefined, 'a.json');
const withVersion = (version: unknown) => run(cluster({ clusterProfile: { domain: 'x7k2p9qa', version } }))[0];
const withSettings = (version: string, openshiftSupport: { oldestSupportedMinor?: string; asOf?: string }) =>
  runCheckOn(
    aroVersionUnsupported,
    JSON.stringify([cluster({ clusterProfile: { domain: 'x7k2p9qa', version } })]),
    { openshiftSupport },
    'a.json',
  )[0];

describe('aro-version-unsupported', () => {
  it('keeps the release calendar of the support-lifecycle page dated 2025-11-14: N = 4.19, oldest compliant 4.18', () => {
    assert.equal(ARO_CALENDAR_DATE, '2025-11-14');
    assert.deepEqual(
      ARO_RELEASES.map((r) => r.minor),
      ['4.15', '4.16', '4.17', '4.18', '4.19', '4.20'],
    );
    for (const release of ARO_RELEASES) {
      for (const date of [release.installAvailability, release.endOfLife, release.eusEndOfLife]) {
        assert.ok(date === undefined || /^\d{4}-\d{2}-\d{2}$/.test(date), `${release.minor}: ${date}`);
      }
    }
    assert.deepEqual(supportedWindow(ARO_RELEASES), {
      newest: { major: 4, minor: 19 },
      oldest: { major: 4, minor: 18 },
    });
  });

  it('moves the window when a newer minor gets an install date, and refuses a calendar with none', () => {
    const next = ARO_RELEASES.map((r) => (r.minor === '4.20' ? { ...r, installAvailability: '2026-05-01' } : r));
    assert.deepEqual(supportedWindow(next).oldest, { major: 4, minor: 19 });
    assert.throws(() => supportedWindow([{ minor: '4.20', endOfLife: '2027-04-21' }]), /no installable version/);
  });

  it('fails a minor older than N-1, with the end of life from the calendar', () => {
    const finding = withVersion('4.17.44');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clusterProfile.version',
        message:
          'clusterProfile.version is "4.17.44": minor version 4.17 is older than 4.18, the oldest ARO supports (N = 4.19 and N-1 in the ARO release calendar of 2025-11-14); the release calendar gives 4.17 an end of life of 2026-04-01',
        actual: '4.17.44',
      },
    ]);
    assert.equal(
      finding?.remediation.command,
      'oc adm upgrade channel stable-<next-minor> && oc adm upgrade --to-latest=true',
    );
  });

  it('names the EUS end of life of an even minor, and says when a minor is older than the calendar', () => {
    assert.match(
      withVersion('4.16.30')?.violations[0]?.message ?? '',
      /the release calendar gives 4\.16 an end of life of 2025-12-27, 2026-06-27 on the eus-4\.16 channel$/,
    );
    assert.match(
      withVersion('4.12.71')?.violations[0]?.message ?? '',
      /; 4\.12 is older than the release calendar, long out of support$/,
    );
  });

  it('passes N-1, N and newer minors reached by update', () => {
    for (const version of ['4.18.26', '4.19.18', '4.20.2', '4.21.0']) {
      assert.equal(withVersion(version)?.status, 'pass', version);
    }
  });

  it('passes when the version is absent: the resource provider installs the default (latest) version', () => {
    assert.equal(run(cluster({ clusterProfile: { domain: 'x7k2p9qa' } }))[0]?.status, 'pass');
  });

  it('is indeterminate for a value that is not a version, and for az resource list rows', () => {
    const odd = withVersion('latest');
    assert.equal(odd?.status, 'indeterminate');
    assert.equal(
      odd?.reason,
      'clusterProfile.version is "latest", which is not an OpenShift version (major.minor.patch)',
    );
    const [finding] = run(cluster(null));
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('settings.openshiftSupport.oldestSupportedMinor replaces the window, and the message says so', () => {
    assert.equal(withSettings('4.17.44', { oldestSupportedMinor: '4.17' })?.status, 'pass');
    const finding = withSettings('4.18.26', { oldestSupportedMinor: '4.19' });
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clusterProfile.version',
        message:
          'clusterProfile.version is "4.18.26": minor version 4.18 is older than 4.19, the oldest supported minor (settings.openshiftSupport.oldestSupportedMinor in the config); the release calendar gives 4.18 an end of life of 2026-08-25, 2027-02-25 on the eus-4.18 channel',
        actual: '4.18.26',
      },
    ]);
  });

  it('settings.openshiftSupport.asOf judges the calendar as of that date', () => {
    // On 2025-07-01 ARO installed up to 4.17 (N), so 4.16 (N-1) passes and 4.15 fails.
    assert.equal(withSettings('4.16.30', { asOf: '2025-07-01' })?.status, 'pass');
    assert.equal(withSettings('4.15.40', { asOf: '2025-07-01' })?.status, 'fail');
    // After 4.19's end of life, 4.19 fails although it is N.
    const finding = withSettings('4.19.18', { asOf: '2026-12-20' });
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'clusterProfile.version is "4.19.18": minor version 4.19 is past its end of life (ARO release calendar of 2025-11-14, as of 2026-12-20 from settings.openshiftSupport.asOf in the config); the release calendar gives 4.19 an end of life of 2026-12-17',
    );
    assert.equal(withSettings('4.20.2', { asOf: '2026-12-20' })?.status, 'pass');
  });
});
