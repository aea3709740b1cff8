import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultSecretExpiration } from './keyvault-secret-expiration.ts';

const VAULT_ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-aro/providers/Microsoft.KeyVault/vaults/kv-aro';
const secret = (name: string, properties: string) =>
  `{"id": "${VAULT_ID}/secrets/${name}", "name": "${name}", "type": "Microsoft.KeyVault/vaults/secrets", "properties": ${properties}}`;
const run = (text: string) => runCheckOn(keyvaultSecretExpiration, text, undefined, 'a.json');

describe('keyvault-secret-expiration', () => {
  it('fails for a secret without an expiry, naming it, and renders the fix for the secret', () => {
    const [finding] = run(
      secret('sql-admin', '{"attributes": {"enabled": true, "created": 1767312000}, "contentType": null}'),
    );
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.resource.kind, 'Microsoft.KeyVault/vaults/secrets');
    assert.deepEqual(finding?.violations, [
      { path: 'properties.attributes.exp', message: 'secret "sql-admin" never expires: attributes.exp is not set' },
    ]);
    assert.equal(
      finding?.remediation.azureCli,
      'az keyvault secret set-attributes --vault-name kv-aro --name sql-admin --expires "$(date -u -d \'+1 year\' +%Y-%m-%dT%H:%M:%SZ)"',
    );
  });

  it('passes with an expiry time', () => {
    assert.equal(run(secret('pull-secret', '{"attributes": {"enabled": true, "exp": 1788220800}}'))[0]?.status, 'pass');
  });

  it('is indeterminate for a secret without properties, saying how to export the secrets', () => {
    const [finding] = run(`[${secret('s', 'null')}]`);
    assert.equal(finding?.status, 'indeterminate');
    assert.match(
      finding?.reason ?? '',
      /az rest --method get --url ".*\/vaults\/kv-aro\/secrets\?api-version=2026-02-01"/,
    );
  });
});
