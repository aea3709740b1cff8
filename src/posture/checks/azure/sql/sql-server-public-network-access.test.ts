import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlServerPublicNetworkAccess } from './sql-server-public-network-access.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const server = (properties: string) =>
  `{"id": "${ID}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(sqlServerPublicNetworkAccess, text, undefined, 'a.json');

describe('sql-server-public-network-access', () => {
  it('fails when Enabled, naming the value and the fix', () => {
    const [finding] = run(server('{"publicNetworkAccess": "Enabled"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.publicNetworkAccess',
        message: 'publicNetworkAccess is "Enabled"; it must be "Disabled"',
        actual: 'Enabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server update --name sql1 --resource-group rg-orders --enable-public-network false',
    );
  });

  it('fails on SecuredByPerimeter, which Azure Policy does not accept either', () => {
    assert.equal(run(server('{"publicNetworkAccess": "SecuredByPerimeter"}'))[0]?.status, 'fail');
  });

  it('passes when Disabled, in any case', () => {
    assert.equal(run(server('{"publicNetworkAccess": "Disabled"}'))[0]?.status, 'pass');
    assert.equal(run(server('{"publicNetworkAccess": "disabled"}'))[0]?.status, 'pass');
  });

  it('fails when absent: the API default is Enabled', () => {
    const [finding] = run(server('{"minimalTlsVersion": "1.2"}'));
    assert.equal(finding?.status, 'fail');
    assert.equal(
      finding?.violations[0]?.message,
      'publicNetworkAccess is not set (the API default is "Enabled"); set it to "Disabled"',
    );
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(`[{"id": "${ID}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}]`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
