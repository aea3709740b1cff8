/**
 * Secure score security controls, as Defender for Cloud groups its recommendations, with their
 * maximum points. A check names the control it counts towards (`meta.securityControl`); the score
 * (score.ts) gives each control max × healthy ÷ (healthy + unhealthy) resources.
 * Source: https://learn.microsoft.com/azure/defender-for-cloud/secure-score-security-controls
 */
export const SECURITY_CONTROLS = [
  { id: 'enable-mfa', title: 'Enable MFA', maxPoints: 10 },
  { id: 'secure-management-ports', title: 'Secure management ports', maxPoints: 8 },
  { id: 'apply-system-updates', title: 'Apply system updates', maxPoints: 6 },
  { id: 'remediate-vulnerabilities', title: 'Remediate vulnerabilities', maxPoints: 6 },
  { id: 'remediate-security-configurations', title: 'Remediate security configurations', maxPoints: 4 },
  { id: 'manage-access-and-permissions', title: 'Manage access and permissions', maxPoints: 4 },
  { id: 'enable-encryption-at-rest', title: 'Enable encryption at rest', maxPoints: 4 },
  { id: 'encrypt-data-in-transit', title: 'Encrypt data in transit', maxPoints: 4 },
  { id: 'restrict-unauthorized-network-access', title: 'Restrict unauthorized network access', maxPoints: 4 },
  { id: 'apply-adaptive-application-control', title: 'Apply adaptive application control', maxPoints: 3 },
  { id: 'protect-applications-against-ddos', title: 'Protect applications against DDoS attacks', maxPoints: 2 },
  { id: 'enable-endpoint-protection', title: 'Enable endpoint protection', maxPoints: 2 },
  { id: 'enable-auditing-and-logging', title: 'Enable auditing and logging', maxPoints: 1 },
  { id: 'enable-enhanced-security-features', title: 'Enable enhanced security features', maxPoints: 0 },
  { id: 'implement-security-best-practices', title: 'Implement security best practices', maxPoints: 0 },
] as const;

export type SecurityControlId = (typeof SECURITY_CONTROLS)[number]['id'];

export interface SecurityControl {
  readonly id: SecurityControlId;
  readonly title: string;
  readonly maxPoints: number;
}

const BY_ID = new Map<string, SecurityControl>(SECURITY_CONTROLS.map((c) => [c.id, c]));

export function getSecurityControl(id: string): SecurityControl | undefined {
  return BY_ID.get(id);
}
