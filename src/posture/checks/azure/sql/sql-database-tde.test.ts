import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { sqlDatabaseTde } from './sql-database-tde.ts';

const SERVER =
  '/subscriptions/7c1d2e3f-8a9b-4c0d-9e1f-2a3b4c5d6e7f/resourceGroups/rg-orders/providers/Microsoft.Sql/servers/sql1';
/** As `az sql db show` prints it. */
const database = (name: string) =>
  `{"id": "${SERVER}/databases/${name}", "name": "${name}", "type": "Microsoft.Sql/servers/databases", "resourceGroup": "rg-orders", "kind": "v12.0,user,vcore", "status": "Online"}`;
/** As `az sql db tde show` prints it. */
const tde = (name: string, state: string) =>
  `{"id": "${SERVER}/databases/${name}/transparentDataEncryption/Current", "name": "Current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption", "resourceGroup": "rg-orders", "state": "${state}"}`;
const run = (...docs: string[]) => runCheckOn(sqlDatabaseTde, `[${docs.join(',')}]`, undefined, 'a.json');

describe('sql-database-tde', () => {
  it('fails when TDE is Disabled, with the fix naming server and database', () => {
    const [finding] = run(database('orders'), tde('orders', 'Disabled'));
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.resource.name, 'orders');
    assert.deepEqual(finding?.violations, [
      {
        path: 'transparentDataEncryption.current.properties.state',
        message: 'transparent data encryption is "Disabled"; it must be "Enabled"',
        actual: 'Disabled',
      },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az sql db tde set --resource-group rg-orders --server sql1 --database orders --status Enabled',
    );
  });

  it('passes when Enabled, matching each database to its own TDE resource', () => {
    const findings = run(database('orders'), database('audit'), tde('audit', 'Disabled'), tde('orders', 'Enabled'));
    assert.deepEqual(
      findings.map((f) => [f.resource.name, f.status]),
      [
        ['orders', 'pass'],
        ['audit', 'fail'],
      ],
    );
  });

  it('reads the status property of API version 2014-04-01', () => {
    const old = `{"id": "${SERVER}/databases/orders/transparentDataEncryption/current", "name": "current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption", "properties": {"status": "Disabled"}}`;
    const [finding] = run(database('orders'), old);
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.violations[0]?.path, 'transparentDataEncryption.current.properties.status');
  });

  it('is indeterminate when the TDE resource is not in the input, naming the export command', () => {
    const [finding] = run(database('orders'));
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      'the database\'s transparent data encryption (Microsoft.Sql/servers/databases/transparentDataEncryption "current") is not in the input; export it with `az sql db tde show --resource-group rg-orders --server sql1 --database orders`',
    );
  });

  it('is indeterminate when the TDE resource has no state or no properties', () => {
    const noState = `{"id": "${SERVER}/databases/orders/transparentDataEncryption/current", "name": "current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption", "properties": {}}`;
    assert.equal(run(database('orders'), noState)[0]?.status, 'indeterminate');
    const bare = `{"id": "${SERVER}/databases/orders/transparentDataEncryption/current", "name": "current", "type": "Microsoft.Sql/servers/databases/transparentDataEncryption", "properties": null}`;
    const [finding] = run(database('orders'), bare);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(finding?.reason ?? '', /az resource list/);
  });

  it('is indeterminate for an az resource list row of the database alone', () => {
    const [finding] = run(
      `{"id": "${SERVER}/databases/orders", "name": "orders", "type": "Microsoft.Sql/servers/databases", "properties": null}`,
    );
    assert.equal(finding?.status, 'indeterminate');
  });

  it('does not apply to the master database', () => {
    const [finding] = run(database('master'));
    assert.equal(finding?.status, 'not-applicable');
  });
});
