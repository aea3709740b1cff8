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
