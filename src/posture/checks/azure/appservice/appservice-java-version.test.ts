import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceJavaVersion } from './appservice-java-version.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-billing/providers/Microsoft.Web/sites/billing';
const site = (kind: string, siteConfig: string) =>
  `{"id": "${ID}", "name": "billing", "type": "Microsoft.Web/sites", "kind": "${kind}", "properties": {"siteConfig": ${siteConfig}}}`;

describe('appservice-java-version', () => {
  it('fails Java 1.7 on a Windows app and renders the fix', () => {
    const text = site(
      'app',
      '{"linuxFxVersion": "", "javaVersion": "1.7", "javaContainer": "TOMCAT", "javaContainerVersion": "8.0"}',
    );
    const [finding] = runCheckOn(appserviceJavaVersion, text, undefined, 'a.json');
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.siteConfig.javaVersion',
        message: `the web app's javaVersion is "1.7": Java 7 is past its end of support; move to a supported version (8, 11, 17, 21)`,
        actual: '1.7',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az webapp config set --name billing --resource-group rg-billing --linux-fx-version "JAVA|21-java21"',
    );
  });

  it('reads the Java version of Tomcat and JBoss EAP stacks, not the server version', () => {
    assert.equal(
      runCheckOn(
        appserviceJavaVersion,
        site('app,linux', '{"linuxFxVersion": "TOMCAT|10.1-java17"}'),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(
        appserviceJavaVersion,
        site('app,linux', '{"linuxFxVersion": "JBOSSEAP|8-java21"}'),
        undefined,
        'a.json',
      )[0]?.status,
      'pass',
    );
    assert.equal(
      runCheckOn(
        appserviceJavaVersion,
        site('app,linux', '{"linuxFxVersion": "TOMCAT|9.0-jre7"}'),
        undefined,
        'a.json',
      )[0]?.status,
      'fail',
    );
  });

  it('passes Java 8, 11, 17 and 21 (supported on the table date)', () => {
    for (const fx of ['JAVA|8-jre8', 'JAVA|11-java11', 'JAVA|17-java17', 'JAVA|21-java21']) {
      assert.equal(
        runCheckOn(appserviceJavaVersion, site('app,linux', `{"linuxFxVersion": "${fx}"}`), undefined, 'a.json')[0]
          ?.status,
        'pass',
        fx,
      );
    }
  });

  it('is indeterminate when a Tomcat stack does not name its Java version', () => {
    const [finding] = runCheckOn(
      appserviceJavaVersion,
      site('app,linux', '{"linuxFxVersion": "TOMCAT|9.0"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'indeterminate');
  });

  it('is not applicable when a Windows app has no Java', () => {
    const text = site('app', '{"linuxFxVersion": "", "javaVersion": null, "netFrameworkVersion": "v4.0"}');
    // javaVersion null in an export is unknown, not "no Java".
    assert.equal(runCheckOn(appserviceJavaVersion, text, undefined, 'a.json')[0]?.status, 'indeterminate');
    const off = site('app', '{"linuxFxVersion": "", "javaVersion": "", "netFrameworkVersion": "v4.0"}');
    assert.equal(runCheckOn(appserviceJavaVersion, off, undefined, 'a.json')[0]?.status, 'not-applicable');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "billing", "properties": null}]`;
    assert.equal(runCheckOn(appserviceJavaVersion, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
