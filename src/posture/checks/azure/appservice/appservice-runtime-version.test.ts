import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceRuntimeVersion } from './appservice-runtime-version.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop-web';
const site = (kind: string, siteConfig: string) =>
  `{"id": "${ID}", "name": "shop-web", "type": "Microsoft.Web/sites", "kind": "${kind}", "properties": {"siteConfig": ${siteConfig}}}`;
const statusOf = (kind: string, siteConfig: string) =>
  runCheckOn(appserviceRuntimeVersion, site(kind, siteConfig), undefined, 'a.json')[0]?.status;

describe('appservice-runtime-version', () => {
  it('fails Node 20 (end of support 2026-04-30) and renders the fix', () => {
    const [finding] = runCheckOn(
      appserviceRuntimeVersion,
      site('app,linux', '{"linuxFxVersion": "NODE|20-lts"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.linuxFxVersion',
        message: `the web app's linuxFxVersion is "NODE|20-lts": Node.js 20 reached end of support on 2026-04-30; move to a supported version (22, 24)`,
        actual: 'NODE|20-lts',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name shop-web --resource-group rg-shop --linux-fx-version "NODE|22-lts"',
    );
  });

  it('fails .NET 8 (2026-11-10), PowerShell 7.4 and Ruby 2.7; passes .NET 10 and Node 22', () => {
    assert.equal(statusOf('functionapp,linux', '{"linuxFxVersion": "DOTNET-ISOLATED|8.0"}'), 'fail');
    assert.equal(statusOf('functionapp,linux', '{"linuxFxVersion": "PowerShell|7.4"}'), 'fail');
    assert.equal(statusOf('app,linux', '{"linuxFxVersion": "RUBY|2.7"}'), 'fail');
    assert.equal(statusOf('app,linux', '{"linuxFxVersion": "DOTNETCORE|10.0"}'), 'pass');
    assert.equal(statusOf('app,linux', '{"linuxFxVersion": "NODE|22-lts"}'), 'pass');
  });

  it('reads Windows netFrameworkVersion: v6.0 fails, v4.0 (.NET Framework) passes', () => {
    const [finding] = runCheckOn(
      appserviceRuntimeVersion,
      site('app', '{"linuxFxVersion": "", "netFrameworkVersion": "v6.0", "nodeVersion": "", "powerShellVersion": ""}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.violations[0]?.path, 'properties.siteConfig.netFrameworkVersion');
    assert.equal(
      statusOf(
        'app',
        '{"linuxFxVersion": "", "netFrameworkVersion": "v4.0", "nodeVersion": "~22", "powerShellVersion": ""}',
      ),
      'pass',
    );
    assert.equal(
      statusOf(
        'app',
        '{"linuxFxVersion": "", "netFrameworkVersion": "v4.0", "nodeVersion": "", "powerShellVersion": ""}',
      ),
      'not-applicable',
    );
  });

  it('is not applicable to PHP, Python and Java apps, and to stacks without lifecycle data', () => {
    assert.equal(statusOf('app,linux', '{"linuxFxVersion": "PHP|8.3"}'), 'not-applicable');
    const [go] = runCheckOn(
      appserviceRuntimeVersion,
      site('app,linux', '{"linuxFxVersion": "GO|1.19"}'),
      undefined,
      'a.json',
    );
    assert.equal(go?.reason, 'the app runs GO (linuxFxVersion "GO|1.19"), not Node.js, .NET, PowerShell, Ruby');
  });

  it('is indeterminate when linuxFxVersion of a Linux app is unknown, and for az resource list rows', () => {
    assert.equal(statusOf('app,linux', '{"linuxFxVersion": null}'), 'indeterminate');
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "shop-web", "properties": null}]`;
    const [finding] = runCheckOn(appserviceRuntimeVersion, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
