import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig, UsageError } from '#core';
import { resolveScan } from '../scan.ts';
import {
  ARO_CALENDAR_DATE,
  ARO_LIFECYCLE,
  ARO_RELEASES,
  aroSupportStatus,
  compareMinor,
  decideSupport,
  formatMinor,
  type Minor,
  OPENSHIFT_LIFECYCLE,
  parseMinor,
  supportedWindow,
  supportStatus,
} from './openshift-versions.ts';

const v = (text: string): Minor => {
  const m = parseMinor(text);
  assert.ok(m, text);
  return m;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

describe('openshift-versions: minors', () => {
  it('parses the minor of release, pre-release and nightly versions', () => {
    assert.deepEqual(parseMinor('4.18'), { major: 4, minor: 18 });
    assert.deepEqual(parseMinor('4.18.30'), { major: 4, minor: 18 });
    assert.deepEqual(parseMinor(' v4.19.0-rc.3 '), { major: 4, minor: 19 });
    assert.deepEqual(parseMinor('4.20.0-0.nightly-2025-10-01-123456'), { major: 4, minor: 20 });
    for (const odd of ['latest', '4', '4.x', '4.18.3.1', '']) {
      assert.equal(parseMinor(odd), undefined, odd);
    }
  });

  it('compares numerically, not as text', () => {
    assert.ok(compareMinor(v('4.9'), v('4.10')) < 0);
    assert.ok(compareMinor(v('5.0'), v('4.21')) > 0);
    assert.equal(compareMinor(v('4.18.1'), v('4.18.30')), 0);
    assert.equal(formatMinor(v('4.20.3')), '4.20');
  });
});

describe('openshift-versions: calendars', () => {
  it('each calendar carries the date it was read and its https sources', () => {
    assert.equal(OPENSHIFT_LIFECYCLE.kind, 'red-hat');
    assert.equal(OPENSHIFT_LIFECYCLE.asOf, '2026-11-23');
    assert.deepEqual(OPENSHIFT_LIFECYCLE.sources, ['https://access.redhat.com/support/policy/updates/openshift']);
    assert.equal(ARO_LIFECYCLE.kind, 'aro');
    assert.equal(ARO_LIFECYCLE.asOf, '2026-04-17');
    assert.equal(ARO_LIFECYCLE.published, '2025-11-14');
    assert.equal(ARO_CALENDAR_DATE, ARO_LIFECYCLE.published);
    assert.equal(ARO_RELEASES, ARO_LIFECYCLE.releases);
    assert.deepEqual(ARO_LIFECYCLE.sources, ['https://learn.microsoft.com/azure/openshift/support-lifecycle']);
    for (const calendar of [OPENSHIFT_LIFECYCLE, ARO_LIFECYCLE]) {
      assert.match(calendar.asOf, ISO_DATE);
      assert.ok(calendar.sources.length > 0);
      for (const source of calendar.sources) {
        assert.match(source, /^https:\/\//);
      }
    }
  });

  it('the ARO calendar is sorted and dated, and no install date is after the date it was read', () => {
    const minors = ARO_RELEASES.map((r) => v(r.minor));
    assert.deepEqual([...minors].sort(compareMinor), minors);
    for (const r of ARO_RELEASES) {
      for (const date of [r.installAvailability, r.endOfLife, r.eusEndOfLife]) {
        assert.ok(date === undefined || ISO_DATE.test(date), `${r.minor}: ${date}`);
      }
      assert.ok(r.installAvailability === undefined || r.installAvailability <= ARO_LIFECYCLE.asOf, r.minor);
      assert.ok(r.installAvailability === undefined || r.installAvailability < r.endOfLife, r.minor);
    }
  });

  it('the calendars differ: ARO lists no EUS term for 4.14, Red Hat does', () => {
    assert.equal(OPENSHIFT_LIFECYCLE.minors.find((m) => m.minor === '4.14')?.eusEnds, '2025-10-31');
    assert.equal(
      ARO_RELEASES.find((r) => r.minor === '4.14'),
      undefined,
    );
  });
});

describe('openshift-versions: support as of a date', () => {
  it('Red Hat: a later date moves the window', () => {
    assert.deepEqual(supportStatus(v('4.19'), false), { supported: true });
    assert.deepEqual(supportStatus(v('4.19'), false, OPENSHIFT_LIFECYCLE, '2027-01-10'), {
      supported: false,
      reason: 'OpenShift 4.19 left maintenance support on 2026-12-17',
      oldestSupported: '4.20',
    });
    // An earlier date: 4.17 was still in maintenance support.
    assert.deepEqual(supportStatus(v('4.17'), false, OPENSHIFT_LIFECYCLE, '2026-03-31'), { supported: true });
    // The end date itself is out of support.
    assert.equal(supportStatus(v('4.17'), false, OPENSHIFT_LIFECYCLE, '2026-04-01').supported, false);
  });

  it('ARO: N counts the minors installable by the date, and a minor past its end of life fails', () => {
    assert.deepEqual(supportedWindow(ARO_RELEASES, '2025-07-01'), {
      newest: { major: 4, minor: 17 },
      oldest: { major: 4, minor: 16 },
    });
    assert.throws(() => supportedWindow(ARO_RELEASES, '2024-01-01'), /no installable version as of 2024-01-01/);

    const atRead = aroSupportStatus(v('4.17'));
    assert.deepEqual(atRead.status, {
      supported: false,
      reason: 'minor version 4.17 is older than 4.18, the oldest ARO supports',
      oldestSupported: '4.18',
    });
    assert.equal(atRead.pastEndOfLife, false);
    assert.deepEqual(aroSupportStatus(v('4.16'), ARO_LIFECYCLE, '2025-07-01').status, { supported: true });

    const late = aroSupportStatus(v('4.19'), ARO_LIFECYCLE, '2026-12-20');
    assert.deepEqual(late.status, {
      supported: false,
      reason: 'minor version 4.19 is past its end of life',
      oldestSupported: '4.20',
    });
    assert.equal(late.pastEndOfLife, true);
    assert.deepEqual(aroSupportStatus(v('4.20'), ARO_LIFECYCLE, '2026-12-20').status, { supported: true });
  });
});

describe('openshift-versions: decideSupport and the config override', () => {
  it('without an override, each calendar as of its own date', () => {
    assert.deepEqual(decideSupport(v('4.18'), OPENSHIFT_LIFECYCLE, undefined), {
      status: {
        supported: false,
        reason: 'OpenShift 4.18 left maintenance support on 2026-08-25',
        oldestSupported: '4.19',
      },
      basis: 'Red Hat OpenShift life cycle as of 2026-11-23',
      fromConfig: false,
    });
    // The same minor on ARO's calendar, which is dated earlier, is still supported.
    assert.deepEqual(decideSupport(v('4.18'), ARO_LIFECYCLE, {}), {
      status: { supported: true },
      basis: 'N = 4.19 and N-1 in the ARO release calendar of 2025-11-14',
      fromConfig: false,
    });
  });

  it('oldestSupportedMinor wins over both calendars, both ways', () => {
    const override = { oldestSupportedMinor: '4.20' };
    for (const calendar of [OPENSHIFT_LIFECYCLE, ARO_LIFECYCLE]) {
      const decision = decideSupport(v('4.19'), calendar, override);
      assert.equal(decision.status.supported, false, calendar.kind);
      assert.equal(decision.basis, 'settings.openshiftSupport.oldestSupportedMinor in the config');
      assert.equal(decision.fromConfig, true);
      assert.equal(decideSupport(v('4.20'), calendar, override).status.supported, true, calendar.kind);
    }
    assert.deepEqual(decideSupport(v('4.19'), OPENSHIFT_LIFECYCLE, override).status, {
      supported: false,
      reason: 'OpenShift 4.19 is older than 4.20, the oldest supported minor',
    });
    // Older than the Red Hat table allows, and past its EUS term, but the config says 4.16 is fine.
    assert.equal(
      decideSupport(v('4.16'), OPENSHIFT_LIFECYCLE, { oldestSupportedMinor: '4.16' }, { eus: true }).status.supported,
      true,
    );
  });

  it('asOf from the config replaces the calendar date, and says so', () => {
    assert.deepEqual(decideSupport(v('4.19'), OPENSHIFT_LIFECYCLE, { asOf: '2027-01-10' }), {
      status: {
        supported: false,
        reason: 'OpenShift 4.19 left maintenance support on 2026-12-17',
        oldestSupported: '4.20',
      },
      basis: 'Red Hat OpenShift life cycle as of 2027-01-10 from settings.openshiftSupport.asOf in the config',
      fromConfig: true,
    });
    assert.equal(
      decideSupport(v('4.17'), ARO_LIFECYCLE, { asOf: '2025-07-01' }).basis,
      'N = 4.17 and N-1 in the ARO release calendar of 2025-11-14, as of 2025-07-01 from settings.openshiftSupport.asOf in the config',
    );
    assert.equal(
      decideSupport(v('4.19'), ARO_LIFECYCLE, { asOf: '2026-12-20' }).basis,
      'ARO release calendar of 2025-11-14, as of 2026-12-20 from settings.openshiftSupport.asOf in the config',
    );
  });

  it('refuses override values that did not come through the config schema', () => {
    assert.throws(
      () => decideSupport(v('4.19'), ARO_LIFECYCLE, { oldestSupportedMinor: '4.18.3' }),
      (error: unknown) =>
        error instanceof UsageError &&
        /settings\.openshiftSupport\.oldestSupportedMinor is "4\.18\.3", not a minor version/.test(error.message),
    );
    assert.throws(
      () => decideSupport(v('4.19'), OPENSHIFT_LIFECYCLE, { asOf: 'next year' }),
      /settings\.openshiftSupport\.asOf is "next year", not a date as YYYY-MM-DD/,
    );
  });

  it('reaches the checks from a config file through resolveScan', () => {
    const config = parseConfig('settings:\n  openshiftSupport:\n    oldestSupportedMinor: "4.19"\n', 'palisade.yaml');
    assert.deepEqual(resolveScan({ config }).settings.openshiftSupport, { oldestSupportedMinor: '4.19' });
    assert.deepEqual(resolveScan({}).settings.openshiftSupport, {});
  });
});
