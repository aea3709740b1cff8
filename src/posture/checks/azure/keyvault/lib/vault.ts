/**
 * Shared reading of Key Vault resources for the keyvault checks: vaults created in recover mode, and
 * the expiry of keys and secrets (`Microsoft.KeyVault/vaults/keys`, `.../secrets`: ARM
 * `properties.attributes.exp`, seconds since 1970-01-01).
 * Sources: https://learn.microsoft.com/rest/api/keyvault/keyvault/vaults/create-or-update,
 * https://learn.microsoft.com/rest/api/keyvault/keyvault/keys/get,
 * https://learn.microsoft.com/rest/api/keyvault/keyvault/secrets/get
 */
import { type CheckOutcome, indeterminate, PASS } from '../../../../check.ts';
import { type AzureResource, read, sameText, show } from '../../../../lib/azure.ts';

/** Why a vault property check does not apply: the template recovers a deleted vault (createMode "recover"). */
export function recoverModeReason(resource: AzureResource): string | undefined {
  const mode = read(resource.azure, 'properties.createMode');
  return mode.state === 'set' && sameText(mode.value, 'recover')
    ? 'createMode is "recover": the vault is restored with the settings of the deleted vault'
    : undefined;
}

const PATH = 'properties.attributes.exp';

/** The ARM listing of a vault's keys or secrets, as an `az rest` command. */
function exportCommand(resource: AzureResource, collection: 'keys' | 'secrets'): string {
  const vault = resource.azure.parent?.id ?? '<vault-id>';
  return `\`az rest --method get --url "${vault}/${collection}?api-version=2026-02-01"\``;
}

/** Pass when the key or secret has an expiry time, fail naming it when not. */
export function expiryOutcome(resource: AzureResource, noun: 'key' | 'secret'): CheckOutcome {
  const name = resource.azure.name.split('/').pop() ?? resource.azure.name;
  if (resource.azure.propertiesUnknown) {
    return indeterminate(
      `the input has no properties for ${noun} "${name}"; export the vault's ${noun}s with ${exportCommand(resource, `${noun}s`)}`,
    );
  }
  const reading = read(resource.azure, PATH);
  if (reading.state === 'unknown') {
    return indeterminate(reading.reason, [{ path: PATH, message: reading.reason }]);
  }
  if (reading.state === 'absent') {
    return {
      status: 'fail',
      violations: [{ path: PATH, message: `${noun} "${name}" never expires: attributes.exp is not set` }],
    };
  }
  if (typeof reading.value === 'number' && reading.value > 0) {
    return PASS;
  }
  return {
    status: 'fail',
    violations: [
      {
        path: PATH,
        message: `${noun} "${name}" has no valid expiration date: attributes.exp is ${show(reading.value)}; it must be a time in seconds since 1970-01-01`,
        actual: reading.value,
      },
    ],
  };
}
