/** The azure/appservice checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { appserviceClientCertificates } from './appservice-client-certificates.ts';
import { appserviceFtpsOnly } from './appservice-ftps-only.ts';
import { appserviceHttpsOnly } from './appservice-https-only.ts';
import { appserviceJavaVersion } from './appservice-java-version.ts';
import { appserviceManagedIdentity } from './appservice-managed-identity.ts';
import { appserviceMinTlsVersion } from './appservice-min-tls-version.ts';
import { appservicePhpVersion } from './appservice-php-version.ts';
import { appservicePythonVersion } from './appservice-python-version.ts';
import { appserviceRemoteDebugging } from './appservice-remote-debugging.ts';
import { appserviceRuntimeVersion } from './appservice-runtime-version.ts';

export const azureAppServiceChecks: readonly Check[] = [
  appserviceClientCertificates,
  appserviceFtpsOnly,
  appserviceHttpsOnly,
  appserviceJavaVersion,
  appserviceManagedIdentity,
  appserviceMinTlsVersion,
  appservicePhpVersion,
  appservicePythonVersion,
  appserviceRemoteDebugging,
  appserviceRuntimeVersion,
];
