/** The azure/sql checks (Azure SQL logical servers and databases), one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { sqlDatabaseTde } from './sql-database-tde.ts';
import { sqlFirewallRuleAzureServices } from './sql-firewall-rule-azure-services.ts';
import { sqlFirewallRuleOpenToInternet } from './sql-firewall-rule-open-to-internet.ts';
import { sqlServerAuditing } from './sql-server-auditing.ts';
import { sqlServerEntraAdmin } from './sql-server-entra-admin.ts';
import { sqlServerEntraOnlyAuth } from './sql-server-entra-only-auth.ts';
import { sqlServerMinTls } from './sql-server-min-tls.ts';
import { sqlServerPublicNetworkAccess } from './sql-server-public-network-access.ts';

export const azureSqlChecks: readonly Check[] = [
  sqlDatabaseTde,
  sqlFirewallRuleAzureServices,
  sqlFirewallRuleOpenToInternet,
  sqlServerAuditing,
  sqlServerEntraAdmin,
  sqlServerEntraOnlyAuth,
  sqlServerMinTls,
  sqlServerPublicNetworkAccess,
];
