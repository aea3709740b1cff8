/** The Azure actions. */
import { applyRemediation } from './apply-remediation.ts';

export const azureActions = [applyRemediation] as const;
