/**
 * CIS Microsoft Azure Foundations Benchmark v2.0.0: the sections about the resources Palisade
 * reads (Storage accounts, Database services, Networking, Virtual machines, Key Vault, App Service).
 * Source: https://www.cisecurity.org/benchmark/azure
 * Controls are marked automated only where a Palisade check verifies them; the rest are listed
 * for compliance views as manual.
 */
import type { Framework } from '#core';

const STORAGE = '3 Storage Accounts';
const SQL = '4.1 SQL Server - Auditing and settings';
const COSMOS = '4.5 Cosmos DB';
const NET = '6 Networking';
const VM = '7 Virtual Machines';
const KV = '8 Key Vault';
const APP = '9 App Service';

export const cisAzure: Framework = {
  id: 'cis-azure-2.0',
  title: 'CIS Microsoft Azure Foundations Benchmark',
  version: '2.0.0',
  source: 'https://www.cisecurity.org/benchmark/azure',
  controls: [
    {
      id: '3.1',
      section: STORAGE,
      title: "Ensure that 'Secure transfer required' is set to 'Enabled'",
      automated: true,
    },
    {
      id: '3.2',
      section: STORAGE,
      title: "Ensure that 'Enable Infrastructure Encryption' is set to 'enabled'",
      automated: false,
    },
    {
      id: '3.4',
      section: STORAGE,
      title: 'Ensure that Storage Account Access Keys are Periodically Regenerated',
      automated: false,
    },
    {
      id: '3.7',
      section: STORAGE,
      title: "Ensure that 'Public access level' is disabled for storage accounts with blob containers",
      automated: true,
    },
    {
      id: '3.8',
      section: STORAGE,
      title: 'Ensure Default Network Access Rule for Storage Accounts is Set to Deny',
      automated: true,
    },
    {
      id: '3.10',
      section: STORAGE,
      title: 'Ensure Private Endpoints are used to access Storage Accounts',
      automated: false,
    },
    {
      id: '3.11',
      section: STORAGE,
      title: 'Ensure Soft Delete is Enabled for Azure Containers and Blob Storage',
      automated: true,
    },
    {
      id: '3.12',
      section: STORAGE,
      title: 'Ensure Storage for Critical Data are Encrypted with Customer Managed Keys',
      automated: false,
    },
    {
      id: '3.15',
      section: STORAGE,
      title: "Ensure the 'Minimum TLS version' for storage accounts is set to 'Version 1.2'",
      automated: true,
    },
    { id: '4.1.1', section: SQL, title: "Ensure that 'Auditing' is set to 'On'", automated: true },
    {
      id: '4.1.2',
      section: SQL,
      title: 'Ensure no Azure SQL Databases allow ingress from 0.0.0.0/0 (ANY IP)',
      automated: true,
    },
    {
      id: '4.1.3',
      section: SQL,
      title: "Ensure SQL server's Transparent Data Encryption (TDE) protector is encrypted with Customer-managed key",
      automated: false,
    },
    {
      id: '4.1.4',
      section: SQL,
      title: 'Ensure that Microsoft Entra authentication is Configured for SQL Servers',
      automated: true,
    },
    {
      id: '4.1.5',
      section: SQL,
      title: "Ensure that 'Data encryption' is set to 'On' on a SQL Database",
      automated: true,
    },
    {
      id: '4.1.6',
      section: SQL,
      title: "Ensure that 'Auditing' Retention is 'greater than 90 days'",
      automated: false,
    },
    {
      id: '4.5.1',
      section: COSMOS,
      title: "Ensure That 'Firewalls & Networks' Is Limited to Use Selected Networks Instead of All Networks",
      automated: true,
    },
    { id: '4.5.2', section: COSMOS, title: 'Ensure That Private Endpoints Are Used Where Possible', automated: true },
    {
      id: '4.5.3',
      section: COSMOS,
      title: 'Use Entra ID Client Authentication and Azure RBAC where possible',
      automated: true,
    },
    {
      id: '6.1',
      section: NET,
      title: 'Ensure that RDP access from the Internet is evaluated and restricted',
      automated: true,
    },
    {
      id: '6.2',
      section: NET,
      title: 'Ensure that SSH access from the Internet is evaluated and restricted',
      automated: true,
    },
    {
      id: '6.3',
      section: NET,
      title: 'Ensure that UDP access from the Internet is evaluated and restricted',
      automated: true,
    },
    {
      id: '6.4',
      section: NET,
      title: 'Ensure that HTTP(S) access from the Internet is evaluated and restricted',
      automated: false,
    },
    {
      id: '6.5',
      section: NET,
      title: 'Ensure that Network Security Group Flow Log retention period is greater than 90 days',
      automated: true,
    },
    { id: '6.6', section: NET, title: 'Ensure that Network Watcher is Enabled', automated: false },
    { id: '7.1', section: VM, title: 'Ensure an Azure Bastion Host Exists', automated: true },
    { id: '7.2', section: VM, title: 'Ensure Virtual Machines are utilizing Managed Disks', automated: true },
    {
      id: '7.3',
      section: VM,
      title: "Ensure that 'OS and Data' disks are encrypted with Customer Managed Key (CMK)",
      automated: false,
    },
    { id: '7.5', section: VM, title: 'Ensure that Only Approved Extensions Are Installed', automated: false },
    {
      id: '7.6',
      section: VM,
      title: 'Ensure that Endpoint Protection for all Virtual Machines is installed',
      automated: true,
    },
    {
      id: '8.1',
      section: KV,
      title: 'Ensure that the Expiration Date is set for all Keys in RBAC Key Vaults',
      automated: true,
    },
    {
      id: '8.2',
      section: KV,
      title: 'Ensure that the Expiration Date is set for all Keys in Non-RBAC Key Vaults',
      automated: true,
    },
    {
      id: '8.3',
      section: KV,
      title: 'Ensure that the Expiration Date is set for all Secrets in RBAC Key Vaults',
      automated: true,
    },
    {
      id: '8.4',
      section: KV,
      title: 'Ensure that the Expiration Date is set for all Secrets in Non-RBAC Key Vaults',
      automated: true,
    },
    { id: '8.5', section: KV, title: 'Ensure the Key Vault is Recoverable', automated: true },
    { id: '8.6', section: KV, title: 'Enable Role Based Access Control for Azure Key Vault', automated: true },
    { id: '8.7', section: KV, title: 'Ensure that Private Endpoints are Used for Azure Key Vault', automated: false },
    {
      id: '8.8',
      section: KV,
      title: 'Ensure Automatic Key Rotation is Enabled within Azure Key Vault for the Supported Services',
      automated: false,
    },
    {
      id: '9.1',
      section: APP,
      title: 'Ensure App Service Authentication is set up for apps in Azure App Service',
      automated: false,
    },
    {
      id: '9.2',
      section: APP,
      title: 'Ensure Web App Redirects All HTTP traffic to HTTPS in Azure App Service',
      automated: true,
    },
    { id: '9.3', section: APP, title: 'Ensure Web App is using the latest version of TLS encryption', automated: true },
    {
      id: '9.4',
      section: APP,
      title: "Ensure the web app has 'Client Certificates (Incoming client certificates)' set to 'On'",
      automated: true,
    },
    { id: '9.5', section: APP, title: 'Ensure that Register with Entra ID is enabled on App Service', automated: true },
    {
      id: '9.6',
      section: APP,
      title: "Ensure That 'PHP version' is the Latest, If Used to Run the Web App",
      automated: true,
    },
    {
      id: '9.7',
      section: APP,
      title: "Ensure that 'Python version' is the Latest Stable Version, if Used to Run the Web App",
      automated: true,
    },
    {
      id: '9.8',
      section: APP,
      title: "Ensure that 'Java version' is the latest, if used to run the Web App",
      automated: true,
    },
    {
      id: '9.9',
      section: APP,
      title: "Ensure that 'HTTP Version' is the Latest, if Used to Run the Web App",
      automated: false,
    },
    { id: '9.10', section: APP, title: 'Ensure FTP deployments are Disabled', automated: true },
    { id: '9.11', section: APP, title: 'Ensure Azure Key Vaults are Used to Store Secrets', automated: false },
  ],
};
