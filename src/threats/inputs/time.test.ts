import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp } from './time.ts';

describe('parseTimestamp', () => {
  it('agrees with Date.parse on the forms audit logs and Falco write, and on everything else', () => {
    const samples = [
      '2026-11-20T10:01:37Z',
      '2026-11-20T10:01:37.1Z',
      '2026-11-20T10:01:37.12Z',
      '2026-11-20T10:01:37.123Z',
      '2026-11-20T10:01:37.123456Z',
      '2026-11-23T10:07:01.482911203Z',
      '2026-11-20T10:01:37.999999Z',
      '1970-01-01T00:00:00.000000Z',
      '2024-02-29T23:59:59.999999Z',
      '2026-02-30T00:00:00Z',
      '2026-01-31T12:00:00.5Z',
      '2026-11-20T10:01:37+01:00',
      '2026-11-20T10:01:37.123456-05:30',
      '2026-11-20t10:01:37z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T10:60:00Z',
      '2026-13-20T10:00:00Z',
      '2026-00-20T10:00:00Z',
      '2026-11-20T10:01:37.Z',
      '2026-11-20T10:01:37.12a4Z',
      '2026-11-20 10:01:37Z',
      '20x6-11-20T10:01:37Z',
      'not a time at all, but long',
      '',
    ];
    for (const text of samples) {
      assert.deepEqual(parseTimestamp(text), Date.parse(text), text);
    }
  });

  it('agrees with Date.parse over a sweep of generated times', () => {
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2030, 0, 1); t += 7_777_777_777) {
      const iso = new Date(t).toISOString();
      const micros = iso.replace(/Z$/, '417Z');
      assert.equal(parseTimestamp(iso), t, iso);
      assert.equal(parseTimestamp(micros), Date.parse(micros), micros);
    }
  });
});
