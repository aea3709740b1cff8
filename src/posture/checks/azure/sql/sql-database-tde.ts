/**
 * SQL database is not encrypted at rest. Reads `properties.state` of the database's child
 * `Microsoft.Sql/servers/databases/transparentDataEncryption` named "current" (`az sql db tde show`
 * prints it flattened, named "Current"; API version 2014-04-01 called the property `status`).
 * Compliant: "Enabled". "Disabled" does not comply.
 * Absent: transparent data encryption is a child resource the database object does not carry; when
 * the input holds none for the database the check is indeterminate and names the export command. A
 * TDE object without a state is indeterminate too. (New databases have TDE on by default since
 * May 2017, but an older or restored database may not.)
 * Not applicable: the logical `master` database, which TDE cannot encrypt and Azure Policy skips.
 * Azure Policy 17k78e20-9358-41c9-923c-fb736d382a12 "Transparent Data Encryption on SQL databases should be enabled".
 * Source: https://learn.microsoft.com/rest/api/sql/transparent-data-encryptions/get,
 * https://learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview
 */
import { indeterminate, PASS } from '../../../check.ts';
import { childrenOf, defineAzureCheck, read, sameText, show } from '../../../lib/azure.ts';
import { leafName } from './sql-firewall-rule-open-to-internet.ts';

export const sqlDatabaseTde = defineAzureCheck({
  meta: {
    id: 'PAL-AZR-0148',
    slug: 'sql-database-tde',
    title: 'SQL database has transparent data encryption turned off',
    description:
      'Without transparent data encryption, the database files, logs and backups are stored unencrypted, so anyone who obtains a copy of the storage or a backup can read the data.',
    severity: 'medium',
    maturity: 'stable',
    types: ['Microsoft.Sql/servers/databases'],
    scope: 'cluster',
    securityControl: 'enable-encryption-at-rest',
    frameworks: [
      { framework: 'cis-azure-2.0', control: '4.1.5' },
      { framework: 'mcsb-v1', control: 'DP-4' },
    ],
    remediation: {
      summary: 'Turn on transparent data encryption for the database.',
      azureCli:
        'az sql db tde set --resource-group {resourceGroup} --server {parentName} --database {name} --status Enabled',
      steps: [
        'With ARM, PUT the child resource transparentDataEncryption/current of the database (api-version 2021-11-01) with {"properties":{"state":"Enabled"}}.',
      ],
    },
    references: [
      'https://learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview',
      'https://learn.microsoft.com/rest/api/sql/transparent-data-encryptions/get',
    ],
  },
  appliesTo: (resource) =>
    sameText(leafName(resource.azure.name), 'master')
      ? 'the master database cannot be encrypted with transparent data encryption'
      : undefined,
  evaluate: (resource, ctx) => {
    const children = childrenOf(ctx, resource, 'Microsoft.Sql/servers/databases/transparentDataEncryption');
    const tde = children.find((c) => sameText(leafName(c.azure.name), 'current')) ?? children[0];
    const database = leafName(resource.azure.name);
    if (tde === undefined) {
      return indeterminate(
        `the database's transparent data encryption (Microsoft.Sql/servers/databases/transparentDataEncryption "current") is not in the input; export it with \`az sql db tde show --resource-group ${resource.azure.resourceGroup ?? '<resource-group>'} --server ${resource.azure.parent?.name ?? '<server>'} --database ${database}\``,
      );
    }
    let state = read(tde.azure, 'properties.state');
    let path = 'properties.state';
    if (state.state === 'absent') {
      state = read(tde.azure, 'properties.status');
      path = 'properties.status';
    }
    if (state.state === 'unknown') {
      return indeterminate(state.reason);
    }
    if (state.state === 'absent') {
      return indeterminate(`the database's transparent data encryption has no state`);
    }
    if (sameText(state.value, 'Enabled')) {
      return PASS;
    }
    return {
      status: 'fail',
      violations: [
        {
          path: `transparentDataEncryption.current.${path}`,
          message: `transparent data encryption is ${show(state.value)}; it must be "Enabled"`,
          actual: state.value,
        },
      ],
    };
  },
});
