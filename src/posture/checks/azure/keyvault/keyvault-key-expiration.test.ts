import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { keyvaultKeyExpiration } from './keyvault-key-expiration.ts';

const VAULT_ID =
  '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-aro/providers/Microsoft.KeyVault/vaults/kv-aro';
/** A key as the ARM list (`az rest --method get --url {vaultId}/keys?api-version=...`) returns it. */
const key = (name: string, properties: string) =>
  `{"id": "${VAULT_ID}/keys/${name}", "name": "${name}", "type": "Microsoft.KeyVault/vaults/keys", "location": "westeurope", "properties": ${properties}}`;
const run = (...keys: string[]) =>
  runCheckOn(keyvaultKeyExpiration, `{"value": [${keys.join(',')}]}`, undefined, 'a.json');

describe('keyvault-key-expiration', () => {
  it('fails for each key without an expiry, naming it, and renders the fix for the key', () => {
    const findings = run(
      key('etcd', '{"attributes": {"enabled": true, "exp": 1798761600}, "kty": "RSA"}'),
      key('disk-set', '{"attributes": {"enabled": true, "created": 1767312000}, "kty": "RSA-HSM"}'),
    );
    assert.deepEqual(findings.map((f) => [f.resource.name, f.status]).sort(), [
      ['disk-set', 'fail'],
      ['etcd', 'pass'],
    ]);
    const failing = findings.find((f) => f.status === 'fail');
    assert.deepEqual(failing?.violations, [
      { path: 'properties.attributes.exp', message: 'key "disk-set" never expires: attributes.exp is not set' },
    ]);
    assert.equal(
      failing?.remediation.azureCli,
      'az keyvault key set-attributes --vault-name kv-aro --name disk-set --expires "$(date -u -d \'+1 year\' +%Y-%m-%dT%H:%M:%SZ)"',
    );
  });

  it('fails on a key whose attributes are missing, and on an expiry that is not a time', () => {
    assert.equal(run(key('k', '{"kty": "EC"}'))[0]?.status, 'fail');
    assert.equal(run(key('k', '{"attributes": {"exp": 0}}'))[0]?.status, 'fail');
    const [finding] = run(key('k', '{"attributes": {"exp": "2027-01-01"}}'));
    assert.deepEqual(finding?.violations, [
      {
        path: 'properties.attributes.exp',
        message:
          'key "k" has no valid expiration date: attributes.exp is "2027-01-01"; it must be a time in seconds since 1970-01-01',
        actual: '2027-01-01',
      },
    ]);
  });

  it('is indeterminate for a key without properties, saying how to export the keys through ARM', () => {
    const [finding] = runCheckOn(keyvaultKeyExpiration, `[${key('k', 'null')}]`, undefined, 'a.json');
    assert.equal(finding?.status, 'indeterminate');
    assert.equal(
      finding?.reason,
      `the input has no properties for key "k"; export the vault's keys with \`az rest --method get --url "${VAULT_ID}/keys?api-version=2026-02-01"\``,
    );
  });
});
