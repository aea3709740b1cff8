/**
 * Microsoft cloud security benchmark v1: the controls Defender for Containers' Kubernetes
 * recommendations are filed under. Source:
 * https://learn.microsoft.com/security/benchmark/azure/overview
 * Controls are broad; posture checks provide evidence for them, so none is marked automated.
 */
import type { Framework } from '#core';

export const mcsb: Framework = {
  id: 'mcsb-v1',
  title: 'Microsoft cloud security benchmark',
  version: 'v1',
  source: 'https://learn.microsoft.com/security/benchmark/azure/overview',
  controls: [
    { id: 'NS-1', section: 'Network Security', title: 'Establish network segmentation boundaries', automated: false },
    {
      id: 'NS-3',
      section: 'Network Security',
      title: 'Deploy firewall at the edge of enterprise network',
      automated: false,
    },
    {
      id: 'IM-1',
      section: 'Identity Management',
      title: 'Use centralized identity and authentication system',
      automated: false,
    },
    { id: 'IM-4', section: 'Identity Management', title: 'Authenticate server and services', automated: false },
    {
      id: 'PA-2',
      section: 'Privileged Access',
      title: 'Avoid standing access for user accounts and permissions',
      automated: false,
    },
    { id: 'DP-4', section: 'Data Protection', title: 'Enable data at rest encryption by default', automated: false },
    {
      id: 'DP-5',
      section: 'Data Protection',
      title: 'Use customer-managed key option in data at rest encryption when required',
      automated: false,
    },
    { id: 'DP-6', section: 'Data Protection', title: 'Use a secure key management process', automated: false },
    {
      id: 'DP-8',
      section: 'Data Protection',
      title: 'Ensure security of key and certificate repository',
      automated: false,
    },
    {
      id: 'LT-1',
      section: 'Logging and Threat Detection',
      title: 'Enable threat detection capabilities',
      automated: false,
    },
    {
      id: 'LT-3',
      section: 'Logging and Threat Detection',
      title: 'Enable logging for security investigation',
      automated: false,
    },
    {
      id: 'LT-4',
      section: 'Logging and Threat Detection',
      title: 'Enable network logging for security investigation',
      automated: false,
    },
    { id: 'BR-1', section: 'Backup and Recovery', title: 'Ensure regular automated backups', automated: false },
    { id: 'ES-1', section: 'Endpoint Security', title: 'Use Endpoint Detection and Response (EDR)', automated: false },
    { id: 'ES-2', section: 'Endpoint Security', title: 'Use modern anti-malware software', automated: false },
    {
      id: 'PV-5',
      section: 'Posture and Vulnerability Management',
      title: 'Perform vulnerability assessments',
      automated: false,
    },
    {
      id: 'PV-6',
      section: 'Posture and Vulnerability Management',
      title: 'Rapidly and automatically remediate vulnerabilities',
      automated: false,
    },
    {
      id: 'PV-7',
      section: 'Posture and Vulnerability Management',
      title: 'Conduct regular red team operations',
      automated: false,
    },
    {
      id: 'NS-2',
      section: 'Network Security',
      title: 'Secure cloud native services with network controls',
      automated: false,
    },
    {
      id: 'IM-3',
      section: 'Identity Management',
      title: 'Manage application identities securely and automatically',
      automated: false,
    },
    {
      id: 'IM-8',
      section: 'Identity Management',
      title: 'Restrict the exposure of credentials and secrets',
      automated: false,
    },
    {
      id: 'PA-1',
      section: 'Privileged Access',
      title: 'Separate and limit highly privileged/administrative users',
      automated: false,
    },
    {
      id: 'PA-7',
      section: 'Privileged Access',
      title: 'Follow just enough administration (least privilege) principle',
      automated: false,
    },
    { id: 'DP-3', section: 'Data Protection', title: 'Encrypt sensitive data in transit', automated: false },
    { id: 'AM-2', section: 'Asset Management', title: 'Use only approved services', automated: false },
    {
      id: 'PV-2',
      section: 'Posture and Vulnerability Management',
      title: 'Audit and enforce secure configurations',
      automated: false,
    },
    {
      id: 'DS-6',
      section: 'DevOps Security',
      title: 'Enforce security of workload throughout DevOps lifecycle',
      automated: false,
    },
  ],
};
