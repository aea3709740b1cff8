/**
 * The framework catalogues every check's `frameworks` mapping must resolve in.
 */
import type { Framework } from '#core';
import { aroLandingZone } from './aro-landing-zone.ts';
import { cisAzure } from './cis-azure.ts';
import { cisKubernetes } from './cis-kubernetes.ts';
import { cisOpenShift } from './cis-openshift.ts';
import { mcsb } from './mcsb.ts';
import { mitreAttackContainers } from './mitre-attack-containers.ts';
import { pssBaseline, pssRestricted } from './pss.ts';

export const FRAMEWORKS: readonly Framework[] = [
  pssBaseline,
  pssRestricted,
  cisKubernetes,
  cisOpenShift,
  mitreAttackContainers,
  mcsb,
  cisAzure,
  aroLandingZone,
];

const BY_ID = new Map(FRAMEWORKS.map((f) => [f.id, f]));

export function getFramework(id: string): Framework | undefined {
  return BY_ID.get(id);
}

/** The framework and every framework it includes, transitively. */
export function frameworkClosure(id: string): Set<string> {
  const out = new Set<string>();
  const visit = (fid: string): void => {
    if (out.has(fid)) {
      return;
    }
    out.add(fid);
    for (const inc of BY_ID.get(fid)?.includes ?? []) {
      visit(inc);
    }
  };
  visit(id);
  return out;
}

export function controlExists(framework: string, control: string): boolean {
  return BY_ID.get(framework)?.controls.some((c) => c.id === control) ?? false;
}
