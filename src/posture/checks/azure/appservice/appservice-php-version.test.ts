import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appservicePhpVersion } from './appservice-php-version.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-web/providers/Microsoft.Web/sites/blog';
const site = (kind: string, siteConfig: string) =>
  `{"id": "${ID}", "name": "blog", "type": "Microsoft.Web/sites", "kind": "${kind}", "properties": {"siteConfig": ${siteConfig}}}`;

describe('appservice-php-version', () => {
  it('fails PHP 8.1 on Linux, naming the end date and the supported lines, and renders the fix', () => {
    const [finding] = runCheckOn(
      appservicePhpVersion,
      site('app,linux', '{"linuxFxVersion": "PHP|8.1"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.linuxFxVersion',
        message: `the web app's linuxFxVersion is "PHP|8.1": PHP 8.1 reached end of support on 2025-12-31; move to a supported version (8.2, 8.3, 8.4, 8.5)`,
        actual: 'PHP|8.1',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name blog --resource-group rg-web --linux-fx-version "PHP|8.3"',
    );
  });

  it('fails phpVersion 5.6 left on a Windows app', () => {
    const text = site('app', '{"linuxFxVersion": "", "netFrameworkVersion": "v4.0", "phpVersion": "5.6"}');
    const [finding] = runCheckOn(appservicePhpVersion, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.violations[0]?.path, 'properties.siteConfig.phpVersion');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /phpVersion is "5\.6": PHP 5\.6 reached end of support on 2018-12-31/,
    );
  });

  it('passes supported versions', () => {
    for (const fx of ['PHP|8.2', 'PHP|8.3', 'php|8.4']) {
      assert.equal(
        runCheckOn(appservicePhpVersion, site('app,linux', `{"linuxFxVersion": "${fx}"}`), undefined, 'a.json')[0]
          ?.status,
        'pass',
        fx,
      );
    }
  });

  it('is not applicable to apps on other stacks, Windows apps with PHP off, and containers', () => {
    const cases = [
      site('app,linux', '{"linuxFxVersion": "NODE|22-lts"}'),
      site('app', '{"linuxFxVersion": "", "phpVersion": "Off", "netFrameworkVersion": "v4.0"}'),
      site('app,linux,container', '{"linuxFxVersion": "DOCKER|crshop.azurecr.io/blog:1.4"}'),
      site('app,linux', '{"linuxFxVersion": "DOCKER|crshop.azurecr.io/blog:1.4"}'),
    ];
    for (const text of cases) {
      assert.equal(runCheckOn(appservicePhpVersion, text, undefined, 'a.json')[0]?.status, 'not-applicable', text);
    }
  });

  it('is indeterminate when a Windows app exports phpVersion as null (GET on the site)', () => {
    const [finding] = runCheckOn(
      appservicePhpVersion,
      site('app', '{"linuxFxVersion": "", "phpVersion": null}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /siteConfig\.phpVersion is null/);
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "blog", "properties": null}]`;
    const [finding] = runCheckOn(appservicePhpVersion, text, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
