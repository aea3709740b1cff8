/**
 * Reads what automations answer, in the formats the other commands write, as they are:
 * - alert records of `palisade detect --format jsonl`: one Alert object per line (also the
 *   `{"alerts": [...]}` batches `palisade detect --forward` posts, and a JSON array of alerts);
 * - a `palisade scan --format json` report: its `findings`.
 * A malformed line or record becomes a diagnostic naming the file and line (or finding index) and
 * everything else is kept.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type Alert, type Diagnostic, FINDING_STATUSES, type Finding, InputError, SEVERITIES } from '#core';
import { subjectFromAlert, subjectFromFinding } from './subject.ts';
import type { Subject } from './types.ts';

const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

/** The fields of an alert record the runner reads; the rest is kept as it is. */
export const AlertRecord = z.looseObject({
  id: z.string().min(1),
  ruleId: z.string().min(1),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  mitre: z.looseObject({ tactic: z.string(), technique: z.string() }),
  count: z.number().optional(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  actor: z.looseObject({ user: z.string(), groups: z.array(z.string()), sourceIPs: z.array(z.string()) }),
  target: z.looseObject({ verb: z.string(), resource: z.string(), namespace: z.string(), name: z.string() }),
  evidence: z.looseObject({
    auditIds: z.array(z.string()),
    falcoEvents: z.array(z.looseObject({ rule: z.string(), hostname: z.string().optional() })).optional(),
  }),
  remediation: z.array(z.string()).optional(),
});

/** The fields of a finding the runner reads. */
export const FindingRecord = z.looseObject({
  checkId: z.string().min(1),
  status: z.enum(FINDING_STATUSES),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  message: z.string(),
  resource: z.looseObject({
    kind: z.string(),
    apiVersion: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
    id: z.string().optional(),
    cluster: z.string().optional(),
  }),
  violations: z.array(z.looseObject({ path: z.string(), message: z.string() })).default([]),
  remediation: z.looseObject({ summary: z.string() }),
  fingerprint: z.string().min(1),
  suppressed: z.looseObject({ reason: z.string() }).optional(),
});

export interface ReadSubjects {
  readonly subjects: Subject[];
  readonly diagnostics: Diagnostic[];
  readonly format: 'alerts' | 'report';
}

function issueText(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
}

/** Parses the text of an alerts JSON-lines file or a JSON report. */
export function parseSubjects(text: string, file: string): ReadSubjects {
  const subjects: Subject[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string, line?: number): void => {
    diagnostics.push({
      level: 'warning',
      code: 'automation.invalid-input',
      message,
      location: { file, ...(line === undefined ? {} : { line }) },
    });
  };
  const addAlert = (value: unknown, where: string, line?: number): void => {
    const parsed = AlertRecord.safeParse(value);
    if (parsed.success) subjects.push(subjectFromAlert(parsed.data as unknown as Alert));
    else warn(`${where} is not an alert record (${issueText(parsed.error)}); it is ignored`, line);
  };
  let whole: unknown;
  let single = false;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      whole = JSON.parse(text);
      single = true;
    } catch {
      // Not one JSON document: JSON lines.
    }
  }
  if (single && typeof whole === 'object' && whole !== null && !Array.isArray(whole)) {
    const object = whole as Record<string, unknown>;
    if (Array.isArray(object.findings)) {
      for (const [index, value] of object.findings.entries()) {
        const parsed = FindingRecord.safeParse(value);
        if (parsed.success) subjects.push(subjectFromFinding(parsed.data as unknown as Finding));
        else warn(`findings[${index}] is not a finding (${issueText(parsed.error)}); it is ignored`);
      }
      return { subjects, diagnostics, format: 'report' };
    }
    if (Array.isArray(object.alerts)) {
      for (const [index, value] of object.alerts.entries()) addAlert(value, `alerts[${index}]`);
      return { subjects, diagnostics, format: 'alerts' };
    }
    addAlert(object, 'the document');
    return { subjects, diagnostics, format: 'alerts' };
  }
  if (single && Array.isArray(whole)) {
    for (const [index, value] of whole.entries()) addAlert(value, `item ${index}`);
    return { subjects, diagnostics, format: 'alerts' };
  }
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      warn(`not JSON (${(error as Error).message}); the line is ignored`, index + 1);
      continue;
    }
    addAlert(value, 'the line', index + 1);
  }
  return { subjects, diagnostics, format: 'alerts' };
}

/** Reads subjects from a file ('-' is stdin, read by the caller and passed as text). */
export async function readSubjects(file: string): Promise<ReadSubjects> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    throw new InputError('input.not-found', `cannot read ${file}: ${(error as Error).message}`, { location: { file } });
  }
  if (buffer.length > MAX_INPUT_BYTES) {
    throw new InputError('input.too-large', `${file} is larger than ${MAX_INPUT_BYTES} bytes`, { location: { file } });
  }
  return parseSubjects(buffer.toString('utf8'), file);
}
