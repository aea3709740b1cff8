/** ARM resource types ('Microsoft.Storage/storageAccounts'), as finding kinds and check targets name them. */
import type { AnyCheck } from '#posture';

const ARM_TYPE = /^[A-Za-z]+\.[A-Za-z0-9.]+\/[A-Za-z0-9/]+$/;

/** True for an ARM resource type, false for a Kubernetes kind. */
export function isArmType(kind: string): boolean {
  return ARM_TYPE.test(kind);
}

/** The ARM types a posture check targets (none for a Kubernetes check). */
export function armTypesOf(check: AnyCheck): string[] {
  return check.meta.targets.flatMap((t) => ('kind' in t && isArmType(t.kind) ? [t.kind] : []));
}
