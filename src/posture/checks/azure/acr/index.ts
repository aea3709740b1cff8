/** The azure/acr checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { acrAdminUser } from './acr-admin-user.ts';
import { acrAnonymousPull } from './acr-anonymous-pull.ts';
import { acrContentTrust } from './acr-content-trust.ts';
import { acrDefenderScanning } from './acr-defender-scanning.ts';
import { acrExportDisabled } from './acr-export-disabled.ts';
import { acrPrivateLink } from './acr-private-link.ts';
import { acrPublicNetwork } from './acr-public-network.ts';

export const azureAcrChecks: readonly Check[] = [
  acrAdminUser,
  acrAnonymousPull,
  acrContentTrust,
  acrDefenderScanning,
  acrExportDisabled,
  acrPrivateLink,
  acrPublicNetwork,
];
