import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { appserviceClientCertificates } from './appservice-client-certificates.ts';

const ID =
  '/subscriptions/7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f/resourceGroups/rg-partner/providers/Microsoft.Web/sites/partner-api';
const site = (properties: string) =>
  `{"id": "${ID}", "name": "partner-api", "type": "Microsoft.Web/sites", "kind": "app,linux", "properties": ${properties}}`;

describe('appservice-client-certificates', () => {
  it('fails when client certificates are off, and renders the fix', () => {
    const [finding] = runCheckOn(
      appserviceClientCertificates,
      site('{"clientCertEnabled": false, "clientCertMode": "Required"}'),
      undefined,
      'a.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clientCertEnabled',
        message: "the web app's clientCertEnabled is false; it must be true",
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      `az resource update --ids ${ID} --set properties.clientCertEnabled=true properties.clientCertMode=Required`,
    );
  });

  it('fails Optional modes, which accept requests without a certificate', () => {
    const [finding] = runCheckOn(
      appserviceClientCertificates,
      site('{"clientCertEnabled": true, "clientCertMode": "OptionalInteractiveUser"}'),
      undefined,
      'a.json',
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.clientCertMode',
        message: `the web app's clientCertMode is "OptionalInteractiveUser"; it must be "Required"`,
        actual: 'OptionalInteractiveUser',
      },
    ]);
  });

  it('fails when clientCertEnabled is absent (default false)', () => {
    const [finding] = runCheckOn(appserviceClientCertificates, site('{"httpsOnly": true}'), undefined, 'a.json');
    assert.equal(
      finding?.violations[0]?.message,
      "the web app's clientCertEnabled is not set (the API default is false: no client certificate is asked for); set it to true",
    );
  });

  it('passes Required mode, and an absent mode (default Required)', () => {
    const required = site('{"clientCertEnabled": true, "clientCertMode": "Required"}');
    assert.equal(runCheckOn(appserviceClientCertificates, required, undefined, 'a.json')[0]?.status, 'pass');
    assert.equal(
      runCheckOn(appserviceClientCertificates, site('{"clientCertEnabled": true}'), undefined, 'a.json')[0]?.status,
      'pass',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const text = `[{"id": "${ID}", "type": "Microsoft.Web/sites", "name": "partner-api", "properties": null}]`;
    assert.equal(runCheckOn(appserviceClientCertificates, text, undefined, 'a.json')[0]?.status, 'indeterminate');
  });
});
