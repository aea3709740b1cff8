/** The azure/storage checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { storageBlobPublicAccess } from './storage-blob-public-access.ts';
import { storageBlobSoftDelete } from './storage-blob-soft-delete.ts';
import { storageContainerSoftDelete } from './storage-container-soft-delete.ts';
import { storageCrossTenantReplication } from './storage-cross-tenant-replication.ts';
import { storageHttpsOnly } from './storage-https-only.ts';
import { storageKeyExpirationPolicy } from './storage-key-expiration-policy.ts';
import { storageMinTlsVersion } from './storage-min-tls-version.ts';
import { storageNetworkDefaultDeny } from './storage-network-default-deny.ts';
import { storageSharedKeyAccess } from './storage-shared-key-access.ts';

export const azureStorageChecks: readonly Check[] = [
  storageBlobPublicAccess,
  storageBlobSoftDelete,
  storageContainerSoftDelete,
  storageCrossTenantReplication,
  storageHttpsOnly,
  storageKeyExpirationPolicy,
  storageMinTlsVersion,
  storageNetworkDefaultDeny,
  storageSharedKeyAccess,
];
