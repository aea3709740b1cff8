/**
 * MITRE ATT&CK for Containers: the techniques posture findings make possible.
 * Source: https://attack.mitre.org/matrices/enterprise/containers/
 * Controls are technique ids; `section` is the tactic they are listed under first.
 * These are threat techniques, not requirements: a mapping says "this weakness enables it",
 * so no control is marked automated.
 */
import type { Framework } from '#core';

export const mitreAttackContainers: Framework = {
  id: 'mitre-attack-containers',
  title: 'MITRE ATT&CK for Containers',
  version: 'v17',
  source: 'https://attack.mitre.org/matrices/enterprise/containers/',
  controls: [
    { id: 'T1190', section: 'Initial Access', title: 'Exploit Public-Facing Application', automated: false },
    { id: 'T1133', section: 'Initial Access', title: 'External Remote Services', automated: false },
    { id: 'T1078', section: 'Initial Access', title: 'Valid Accounts', automated: false },
    { id: 'T1078.001', section: 'Initial Access', title: 'Valid Accounts: Default Accounts', automated: false },
    { id: 'T1609', section: 'Execution', title: 'Container Administration Command', automated: false },
    { id: 'T1610', section: 'Execution', title: 'Deploy Container', automated: false },
    { id: 'T1204.003', section: 'Execution', title: 'User Execution: Malicious Image', automated: false },
    {
      id: 'T1053.007',
      section: 'Execution',
      title: 'Scheduled Task/Job: Container Orchestration Job',
      automated: false,
    },
    { id: 'T1525', section: 'Persistence', title: 'Implant Internal Image', automated: false },
    {
      id: 'T1098.006',
      section: 'Persistence',
      title: 'Account Manipulation: Additional Container Cluster Roles',
      automated: false,
    },
    {
      id: 'T1543.005',
      section: 'Persistence',
      title: 'Create or Modify System Process: Container Service',
      automated: false,
    },
    { id: 'T1611', section: 'Privilege Escalation', title: 'Escape to Host', automated: false },
    { id: 'T1068', section: 'Privilege Escalation', title: 'Exploitation for Privilege Escalation', automated: false },
    { id: 'T1548', section: 'Privilege Escalation', title: 'Abuse Elevation Control Mechanism', automated: false },
    { id: 'T1612', section: 'Defense Evasion', title: 'Build Image on Host', automated: false },
    {
      id: 'T1562.001',
      section: 'Defense Evasion',
      title: 'Impair Defenses: Disable or Modify Tools',
      automated: false,
    },
    {
      id: 'T1550.001',
      section: 'Defense Evasion',
      title: 'Use Alternate Authentication Material: Application Access Token',
      automated: false,
    },
    {
      id: 'T1552.001',
      section: 'Credential Access',
      title: 'Unsecured Credentials: Credentials In Files',
      automated: false,
    },
    { id: 'T1552.007', section: 'Credential Access', title: 'Unsecured Credentials: Container API', automated: false },
    { id: 'T1528', section: 'Credential Access', title: 'Steal Application Access Token', automated: false },
    { id: 'T1040', section: 'Credential Access', title: 'Network Sniffing', automated: false },
    { id: 'T1557', section: 'Credential Access', title: 'Adversary-in-the-Middle', automated: false },
    { id: 'T1613', section: 'Discovery', title: 'Container and Resource Discovery', automated: false },
    { id: 'T1046', section: 'Discovery', title: 'Network Service Discovery', automated: false },
    { id: 'T1021', section: 'Lateral Movement', title: 'Remote Services', automated: false },
    { id: 'T1496', section: 'Impact', title: 'Resource Hijacking', automated: false },
    { id: 'T1499', section: 'Impact', title: 'Endpoint Denial of Service', automated: false },
    { id: 'T1485', section: 'Impact', title: 'Data Destruction', automated: false },
  ],
};
