import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHost, retryAfterMs } from './headers.ts';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs(['2', '9'], now), 2000);
    assert.equal(retryAfterMs('Mon, 23 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Mon, 23 Nov 2026 09:59:00 GMT', now), 0);
  });
  it('is undefined when absent or malformed', () => {
    for (const value of [undefined, null, '', '  ', 'soon']) assert.equal(retryAfterMs(value, now), undefined);
  });
});

describe('isLoopbackHost', () => {
  it('knows this machine by name and address', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['example.com', '10.0.0.1', '128.0.0.1', '::2', 'localhost.example.com'])
      assert.equal(isLoopbackHost(host), false, host);
  });
});
