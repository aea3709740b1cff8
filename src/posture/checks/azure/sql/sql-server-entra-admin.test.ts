import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlServerEntraAdmin } from './sql-server-entra-admin.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const SID = '5d1e6f7a-2b3c-4d5e-8f9a-0b1c2d3e4f5a';
/** As `az sql server show` prints it: flattened, administrators null unless --expand-ad-admin. */
const azServer = (administrators: string) =>
  `{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "resourceGroup": "rg-orders", "administratorLogin": "ordersadmin", "administrators": ${administrators}, "publicNetworkAccess": "Enabled"}`;
const run = (...docs: string[]) => runCheckOn(sqlServerEntraAdmin, `[${docs.join(',')}]`, undefined, 'a.json');

const template = (properties: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    { "type": "Microsoft.Sql/servers", "apiVersion": "2023-08-01", "name": "sql1", "location": "westeurope", "properties": ${properties} }
  ]
}`;

describe('sql-server-entra-admin', () => {
  it('is indeterminate when an export does not print administrators (az sql server show without --expand-ad-admin)', () => {
    const [finding] = run(azServer('null'));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the export does not say whether the server has a Microsoft Entra admin (`az sql server show` prints administrators only with --expand-ad-admin); export them with `az sql server ad-admin list --resource-group rg-orders --server-name sql1` or `az sql server show --expand-ad-admin`',
    );
  });

  it('fails when a template deploys the server with no Entra admin anywhere, with the fix', () => {
    const [finding] = runCheckOn(
      sqlServerEntraAdmin,
      template('{"administratorLogin": "ordersadmin"}'),
      undefined,
      'main.json',
    );
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.administrators',
        message:
          'no Microsoft Entra admin is set: administrators is not set and the input holds no Microsoft.Sql/servers/administrators for the server (`az sql server show` prints administrators only with --expand-ad-admin; `az sql server ad-admin list --resource-group <resource-group> --server-name sql1` exports them)',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server ad-admin create --resource-group {resourceGroup} --server-name sql1 --display-name <entra-group-name> --object-id <entra-group-object-id>',
    );
  });

  it('fails when administrators names no principal', () => {
    const [finding] = run(azServer('{"administratorType": "ActiveDirectory", "login": "", "sid": null}'));
    assert.equal(finding?.status, 'fail');
    assert.match(
      finding?.violations[0]?.message ?? '',
      /^no Microsoft Entra admin is set: administrators names no login or sid/,
    );
  });

  it('passes with the expanded administrators property (az --expand-ad-admin, ARM, Resource Graph)', () => {
    const admin = `{"administratorType": "ActiveDirectory", "azureAdOnlyAuthentication": false, "login": "sg-sql-admins", "principalType": "Group", "sid": "${SID}"}`;
    assert.equal(run(azServer(admin))[0]?.status, 'pass');
  });

  it('passes with an administrators child (az sql server ad-admin list)', () => {
    const child = `{"id": "${SERVER}/administrators/ActiveDirectory", "name": "ActiveDirectory", "type": "Microsoft.Sql/servers/administrators", "administratorType": "ActiveDirectory", "login": "sg-sql-admins", "sid": "${SID}"}`;
    assert.equal(run(azServer('null'), child)[0]?.status, 'pass');
  });

  it('passes when Entra-only authentication is on, which requires an Entra admin', () => {
    const entraOnly = `{"id": "${SERVER}/azureADOnlyAuthentications/Default", "name": "Default", "type": "Microsoft.Sql/servers/azureADOnlyAuthentications", "azureAdOnlyAuthentication": true}`;
    assert.equal(run(azServer('null'), entraOnly)[0]?.status, 'pass');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(`{"id": "${SERVER}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
