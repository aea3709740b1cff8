import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { defineAzureCheck } from '../../../../lib/azure.ts';
import {
  parseLinuxFxVersion,
  RUNTIME_SUPPORT,
  type RuntimeSupportTable,
  releaseLine,
  runtimeOutcome,
  supportedLines,
  supportStatus,
} from './runtime.ts';

describe('runtime support table', () => {
  it('is dated and lists a source for every stack', () => {
    assert.match(RUNTIME_SUPPORT.asOf, /^2026-\d\d-\d\d$/);
    for (const [stack, info] of Object.entries(RUNTIME_SUPPORT.stacks)) {
      assert.match(info.source, /^https:\/\//, stack);
      for (const [line, ends] of Object.entries(info.endOfSupport)) {
        assert.match(ends, /^\d{4}-\d\d-\d\d$/, `${stack} ${line}`);
        assert.equal(line.split('.').length, info.parts, `${stack} ${line}`);
      }
    }
  });

  it('names release lines', () => {
    assert.equal(releaseLine('python', '3.12.4'), '3.12');
    assert.equal(releaseLine('java', '1.8.0_292'), '8');
    assert.equal(releaseLine('java', '17-java17'), '17');
    assert.equal(releaseLine('node', '~22'), '22');
    assert.equal(releaseLine('node', '22-lts'), '22');
    assert.equal(releaseLine('dotnet', 'v8.0'), '8.0');
    assert.equal(releaseLine('powershell', '~7'), undefined);
    assert.equal(releaseLine('php', 'Off'), undefined);
  });

  it('judges versions against the table date', () => {
    assert.deepEqual(supportStatus('php', '8.1'), { status: 'ended', line: '8.1', ended: '2025-12-31' });
    assert.deepEqual(supportStatus('php', '8.2'), { status: 'supported' });
    assert.deepEqual(supportStatus('python', '3.15'), { status: 'supported' });
    assert.deepEqual(supportStatus('java', '7'), { status: 'ended', line: '7' });
    assert.deepEqual(supportStatus('python', '3.3'), { status: 'ended', line: '3.3', ended: '2017-09-29' });
    assert.deepEqual(supportStatus('python', '2.6'), { status: 'ended', line: '2.6' });
    assert.equal(supportStatus('php', '7.5').status, 'unknown');
    assert.deepEqual(supportStatus('node', '9'), { status: 'ended', line: '9' });
    assert.equal(supportStatus('dotnet', '4.0').status, 'unknown');
    assert.equal(supportedLines('dotnet'), '10.0');
  });

  it('takes another table (to override the dates later)', () => {
    const later: RuntimeSupportTable = { ...RUNTIME_SUPPORT, asOf: '2027-01-15' };
    assert.equal(supportStatus('php', '8.2', later).status, 'ended');
    assert.equal(supportStatus('java', '8', later).status, 'ended');
    const check = defineAzureCheck({
      meta: {
        id: 'PAL-AZR-9999',
        slug: 'test-runtime',
        title: 'Test',
        description: 'Test.',
        severity: 'low',
        maturity: 'stable',
        types: ['Microsoft.Web/sites'],
        scope: 'cluster',
        frameworks: [],
        remediation: { summary: 'Test.' },
        references: [],
      },
      evaluate: (site, ctx) => runtimeOutcome(ctx, site, ['php'], later),
    });
    const text = `{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/blog", "name": "blog", "type": "Microsoft.Web/sites", "kind": "app,linux", "properties": {"siteConfig": {"linuxFxVersion": "PHP|8.2"}}}`;
    assert.equal(runCheckOn(check, text, undefined, 'a.json')[0]?.status, 'fail');
  });

  it('parses linuxFxVersion', () => {
    assert.deepEqual(parseLinuxFxVersion('DOCKER|nginx:1.27'), { kind: 'container' });
    assert.deepEqual(parseLinuxFxVersion('sitecontainers'), { kind: 'container' });
    assert.deepEqual(parseLinuxFxVersion('TOMCAT|10.1-java17'), {
      kind: 'stack',
      name: 'TOMCAT',
      runtime: { stack: 'java', version: '17', key: 'linuxFxVersion', value: 'TOMCAT|10.1-java17' },
    });
    const dotnet = parseLinuxFxVersion('DOTNET-ISOLATED|8.0');
    assert.equal(dotnet.kind === 'stack' ? dotnet.runtime?.stack : undefined, 'dotnet');
    assert.deepEqual(parseLinuxFxVersion('GO|1.19'), { kind: 'stack', name: 'GO' });
  });
});
