/** The azure/keyvault checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { keyvaultDiagnosticLogging } from './keyvault-diagnostic-logging.ts';
import { keyvaultKeyExpiration } from './keyvault-key-expiration.ts';
import { keyvaultPublicNetworkAccess } from './keyvault-public-network-access.ts';
import { keyvaultPurgeProtection } from './keyvault-purge-protection.ts';
import { keyvaultRbacAuthorization } from './keyvault-rbac-authorization.ts';
import { keyvaultSecretExpiration } from './keyvault-secret-expiration.ts';
import { keyvaultSoftDelete } from './keyvault-soft-delete.ts';

export const azureKeyVaultChecks: readonly Check[] = [
  keyvaultDiagnosticLogging,
  keyvaultKeyExpiration,
  keyvaultPublicNetworkAccess,
  keyvaultPurgeProtection,
  keyvaultRbacAuthorization,
  keyvaultSecretExpiration,
  keyvaultSoftDelete,
];
