import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appservicePythonVersion } from './appservice-python-version.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-data/providers/Microsoft.Web/sites/etl-func';
const site = (kind: string, siteConfig: string) =>
  `{"id": "${ID}", "name": "etl-func", "type": "Microsoft.Web/sites", "kind": "${kind}", "resourceGroup": "rg-data", "siteConfig": ${siteConfig}}`;

describe('appservice-python-version', () => {
  it('fails Python 3.10 on a function app (end of support 2026-10-31) and renders the fix', () => {
    const [finding] = runCheckOn(
      appservicePythonVersion,
      site('functionapp,linux', '{"linuxFxVersion": "Python|3.10"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.linuxFxVersion',
        message: `the function app's linuxFxVersion is "Python|3.10": Python 3.10 reached end of support on 2026-10-31; move to a supported version (3.11, 3.12, 3.13, 3.14)`,
        actual: 'Python|3.10',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name etl-func --resource-group rg-data --linux-fx-version "PYTHON|3.12"',
    );
  });

  it('fails Windows pythonVersion 3.4', () => {
    const [finding] = runCheckOn(
      appservicePythonVersion,
      site('app', '{"linuxFxVersion": "", "pythonVersion": "3.4"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.violations[0]?.path, 'properties.siteConfig.pythonVersion');
  });

  it('passes supported versions and versions newer than the table', () => {
    for (const fx of ['PYTHON|3.11', 'PYTHON|3.13', 'PYTHON|3.15']) {
      assert.equal(
        runCheckOn(appservicePythonVersion, site('app,linux', `{"linuxFxVersion": "${fx}"}`), undefined, 'a.json')[0]
          ?.status,
        'pass',
        fx,
      );
    }
  });

  it('is indeterminate when the version names no minor release', () => {
    const [finding] = runCheckOn(
      appservicePythonVersion,
      site('app,linux', '{"linuxFxVersion": "PYTHON|3"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'linuxFxVersion is "PYTHON|3": Python version "3" does not name a release line (major.minor)',
    );
  });

  it('is not applicable to a Linux app without a runtime stack', () => {
    const [finding] = runCheckOn(
      appservicePythonVersion,
      site('app,linux', '{"linuxFxVersion": ""}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'not-applicable');
    assert.equal(finding?.reason, 'the Linux app sets no runtime stack (linuxFxVersion is empty)');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "etl-func", "properties": null}]`;
    assert.equal(runCheckOn(appservicePythonVersion, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
