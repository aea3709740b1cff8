import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderRotated } from './order.ts';

describe('orderRotated', () => {
  it('puts numbered backups highest first and the live file last', () => {
    assert.deepEqual(orderRotated(['/l/audit.log', '/l/audit.log.1', '/l/audit.log.10', '/l/audit.log.2.gz']), [
      '/l/audit.log.10',
      '/l/audit.log.2.gz',
      '/l/audit.log.1',
      '/l/audit.log',
    ]);
  });

  it('orders timestamped backups by their time, including milliseconds, before numbered ones', () => {
    assert.deepEqual(
      orderRotated([
        'k/audit.log',
        'k/audit-2026-11-23T10-00-00.500.log',
        'k/audit-2026-11-23T10-00-00.000.log.gz',
        'k/audit-2026-11-22T23-59-59.999.log',
        'k/audit.log.1',
      ]),
      [
        'k/audit-2026-11-22T23-59-59.999.log',
        'k/audit-2026-11-23T10-00-00.000.log.gz',
        'k/audit-2026-11-23T10-00-00.500.log',
        'k/audit.log.1',
        'k/audit.log',
      ],
    );
  });

  it('keeps separate sets and unrelated files in the order given', () => {
    assert.deepEqual(
      orderRotated(['b/falco.json', 'a/audit.log', 'a/audit.log.1', 'c.json', 'b/falco.json.1', 'a/oauth.log']),
      ['b/falco.json.1', 'b/falco.json', 'a/audit.log.1', 'a/audit.log', 'c.json', 'a/oauth.log'],
    );
  });
});
