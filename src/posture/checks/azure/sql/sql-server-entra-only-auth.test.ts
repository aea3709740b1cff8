import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlServerEntraOnlyAuth } from './sql-server-entra-only-auth.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const SID = '5d1e6f7a-2b3c-4d5e-8f9a-0b1c2d3e4f5a';
const server = (properties: string) =>
  `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": ${properties}}`;
const admins = (only: string) =>
  `{"administrators": {"administratorType": "ActiveDirectory", "login": "sg-sql-admins", "sid": "${SID}"${only}}}`;
/** As `az sql server ad-only-auth get` prints it. */
const entraOnly = (value: boolean) =>
  `{"id": "${SERVER}/azureADOnlyAuthentications/Default", "name": "Default", "type": "Microsoft.Sql/servers/azureADOnlyAuthentications", "resourceGroup": "rg-orders", "azureAdOnlyAuthentication": ${value}}`;
const run = (...docs: string[]) => runCheckOn(sqlServerEntraOnlyAuth, `[${docs.join(',')}]`, undefined, 'a.json');

const template = (properties: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Sql/servers", "apiVersion": "2023-08-01", "name": "sql1", "location": "westeurope", "properties": ${properties} }
  ]
}`;

describe('sql-server-entra-only-auth', () => {
  it('fails when the server administrators say false, with the fix', () => {
    const [finding] = run(server(admins(', "azureADOnlyAuthentication": false')));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.administrators.azureADOnlyAuthentication',
        message: 'administrators.azureADOnlyAuthentication is false; it must be true',
        actual: false,
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server ad-only-auth enable --resource-group rg-orders --name sql1',
    );
  });

  it('passes when true', () => {
    assert.equal(run(server(admins(', "azureADOnlyAuthentication": true')))[0]?.status, 'pass');
  });

  it('lets the azureADOnlyAuthentications child decide first, either way', () => {
    assert.equal(run(server(admins(', "azureADOnlyAuthentication": false')), entraOnly(true))[0]?.status, 'pass');
    const [finding] = run(server(admins(', "azureADOnlyAuthentication": true')), entraOnly(false));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'azureADOnlyAuthentications.Default.properties.azureADOnlyAuthentication',
        message: 'azureADOnlyAuthentications.Default.properties.azureADOnlyAuthentication is false; it must be true',
        actual: false,
      },
    ]);
  });

  it('reads the administrators child when the server does not expand them', () => {
    const child = `{"id": "${SERVER}/administrators/ActiveDirectory", "name": "ActiveDirectory", "type": "Microsoft.Sql/servers/administrators", "properties": {"administratorType": "ActiveDirectory", "login": "sg-sql-admins", "sid": "${SID}", "azureADOnlyAuthentication": true}}`;
    assert.equal(run(server('{"publicNetworkAccess": "Disabled"}'), child)[0]?.status, 'pass');
  });

  it('fails when administrators lacks the flag: the API default is false', () => {
    const [finding] = run(server(admins('')));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.administrators.azureADOnlyAuthentication',
        message:
          'administrators.azureADOnlyAuthentication is not set (the API default is false, so SQL logins are accepted); set it to true',
      },
    ]);
  });

  it('is indeterminate when an export does not print administrators', () => {
    const [finding] = run(server('{"administratorLogin": "ordersadmin"}'));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the export does not say whether the server is Entra-only (administrators is not set, and `az sql server show` prints it only with --expand-ad-admin); export it with `az sql server ad-only-auth get --resource-group rg-orders --name sql1` or `az sql server show --expand-ad-admin`',
    );
  });

  it('fails when a template deploys the server without any Entra admin', () => {
    const [finding] = runCheckOn(
      sqlServerEntraOnlyAuth,
      template('{"administratorLogin": "ordersadmin"}'),
      undefined,
      'main.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'the server has no Microsoft Entra admin (administrators is not set), so it cannot be Entra-only and accepts SQL logins (`az sql server show` prints administrators only with --expand-ad-admin; `az sql server ad-only-auth get --resource-group <resource-group> --name sql1` exports the setting)',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(`{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
