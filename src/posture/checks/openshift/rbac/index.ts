/** The openshift/rbac checks, one file each. Keep sorted by file name. */
import type { Check } from '../../../check.ts';
import { sccPermissiveDefinition } from './scc-permissive-definition.ts';
import { sccUsePrivileged } from './scc-use-privileged.ts';

export const openshiftRbacChecks: readonly Check[] = [sccPermissiveDefinition, sccUsePrivileged];
