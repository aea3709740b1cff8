import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlServerMinTls } from './sql-server-min-tls.ts';

const ID =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
const server = (properties: string) =>
  `{"id": "${ID}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(sqlServerMinTls, text, undefined, 'a.json');

describe('sql-server-min-tls', () => {
  it('fails below 1.2, naming the value and the fix', () => {
    const [finding] = run(server('{"minimalTlsVersion": "1.1"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.minimalTlsVersion',
        message: 'minimalTlsVersion is "1.1"; it must be "1.2" or "1.3"',
        actual: '1.1',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql server update --name sql1 --resource-group rg-orders --minimal-tls-version 1.2',
    );
    assert.equal(finding?.remediation.armPatch, '{"properties":{"minimalTlsVersion":"1.2"}}');
  });

  it('fails on "None" and "1.0"', () => {
    for (const value of ['None', '1.0']) {
      assert.equal(run(server(`{"minimalTlsVersion": "${value}"}`))[0]?.status, 'fail', value);
    }
  });

  it('passes on 1.2 and 1.3', () => {
    assert.equal(run(server('{"minimalTlsVersion": "1.2"}'))[0]?.status, 'pass');
    assert.equal(run(server('{"minimalTlsVersion": "1.3"}'))[0]?.status, 'pass');
  });

  it('fails when absent: the server then enforces no minimum', () => {
    const [finding] = run(server('{"publicNetworkAccess": "Disabled"}'));
    assert.equal(finding?.status, 'fail');
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.minimalTlsVersion',
        message: 'minimalTlsVersion is not set (the server enforces no minimum TLS version); set it to "1.2" or "1.3"',
      },
    ]);
  });

  it('reads the flattened az sql server show output', () => {
    const text = `{"id": "${ID}", "name": "sql1", "type": "Microsoft.Sql/servers", "resourceGroup": "rg-orders", "minimalTlsVersion": "1.0", "publicNetworkAccess": "Enabled", "state": "Ready"}`;
    assert.equal(run(text)[0]?.status, 'fail');
  });

  it('is indeterminate for az resource list rows, which carry no properties', () => {
    const [finding] = run(`[{"id": "${ID}", "name": "sql1", "type": "Microsoft.Sql/servers", "properties": null}]`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });
});
