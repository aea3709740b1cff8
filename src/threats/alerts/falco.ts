/**
 * What an alert raised from a Falco event carries beyond the rule that re-raised it: the MITRE
 * ATT&CK mapping Falco's own rule declares in its tags, and the event itself as evidence.
 * Falco tags its rules with the tactic as `mitre_<tactic name>` and the technique as its id
 * (`T1059`, `T1611`, `T1552.007`); see https://falco.org/docs/concepts/rules/ (tags) and
 * https://attack.mitre.org/tactics/enterprise/ for the tactic ids.
 */
import type { FalcoEvidence } from '#core';
import type { FalcoEvent } from '../event.ts';

const TACTICS: Readonly<Record<string, string>> = {
  reconnaissance: 'TA0043',
  resource_development: 'TA0042',
  initial_access: 'TA0001',
  execution: 'TA0002',
  persistence: 'TA0003',
  privilege_escalation: 'TA0004',
  defense_evasion: 'TA0005',
  credential_access: 'TA0006',
  discovery: 'TA0007',
  lateral_movement: 'TA0008',
  collection: 'TA0009',
  exfiltration: 'TA0010',
  command_and_control: 'TA0011',
  impact: 'TA0040',
};

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

/**
 * The tactic and technique of a Falco event's tags, each filled in only when the tags name it
 * (the first one named wins); the re-raising rule's own mapping fills the rest.
 */
export function falcoMitre(
  event: FalcoEvent,
  fallback: { readonly tactic: string; readonly technique: string },
): { tactic: string; technique: string } {
  let tactic: string | undefined;
  let technique: string | undefined;
  for (const tag of event.tags ?? []) {
    if (technique === undefined && TECHNIQUE.test(tag)) {
      technique = tag;
    } else if (tactic === undefined && tag.startsWith('mitre_')) {
      tactic = TACTICS[tag.slice('mitre_'.length).toLowerCase()];
    }
  }
  return { tactic: tactic ?? fallback.tactic, technique: technique ?? fallback.technique };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The evidence one Falco event leaves on an alert. */
export function falcoEvidence(event: FalcoEvent): FalcoEvidence {
  const fields = event.output_fields ?? {};
  const uuid = text((event as Record<string, unknown>).uuid);
  const hostname = text(event.hostname);
  const containerId = text(fields['container.id']);
  return {
    rule: event.rule,
    time: event.time,
    ...(uuid ? { uuid } : {}),
    ...(hostname ? { hostname } : {}),
    ...(containerId ? { containerId } : {}),
  };
}

/** Fields of a Falco event that tell its alerts apart: Falco's rule and the container. */
export function falcoKey(event: FalcoEvent): string {
  return `${event.rule}\u0000${text(event.output_fields?.['container.id']) ?? ''}`;
}
