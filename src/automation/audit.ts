/**
 * The audit trail: one JSON object per line for every action run (planned, applied, skipped,
 * failed) and every undo, appended to a file opened in append mode and never rewritten. Each
 * record is written with one write(2) call, so concurrent writers (two runners on one file) do not
 * interleave lines on a local file system.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { type Diagnostic, InputError } from '#core';

export const RUN_RESULTS = ['planned', 'applied', 'skipped', 'failed'] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

/** The target as recorded: a Kubernetes object, an Azure resource, or a description. */
export type TargetRecord =
  | {
      readonly type: 'kubernetes';
      readonly apiVersion: string;
      readonly kind: string;
      readonly namespace?: string;
      readonly name: string;
      readonly node?: string;
      readonly cluster?: string;
    }
  | { readonly type: 'azure'; readonly kind: string; readonly id: string }
  | { readonly type: 'none'; readonly description: string };

/** One line of the audit log and of `palisade automate --format jsonl`. */
export interface RunRecord {
  readonly runId: string;
  /** One invocation of the runner (a batch, or one subject in the long-running mode). */
  readonly batchId: string;
  readonly time: string;
  /** Automation rule name. */
  readonly rule: string;
  /** Action id. */
  readonly action: string;
  readonly trigger: {
    readonly type: 'alert' | 'finding';
    readonly id: string;
    readonly ruleId: string;
    readonly severity: string;
    readonly title: string;
    /** The target the alert or finding names (cooldowns and one-at-a-time are kept per this one). */
    readonly target?: TargetRecord;
  };
  /**
   * One admitted run of an automation on a subject (its actions' records share it); absent on
   * the records of runs that were not admitted (rate limit, cooldown, trigger.labels).
   */
  readonly execution?: string;
  /** What the action acted on (the owning workload when the subject was its pod). */
  readonly target: TargetRecord;
  readonly params: unknown;
  readonly mode: 'dry-run' | 'apply';
  readonly result: RunResult;
  readonly reason: string;
  readonly attempts: number;
  readonly durationMs: number;
  /** Data the action's undo needs (applied runs of undoable actions). */
  readonly undo?: Readonly<Record<string, unknown>>;
  /** Set on the record of an undo: the run it reversed. */
  readonly undoOf?: string;
}

const TargetRecordSchema = z.union([
  z.object({
    type: z.literal('kubernetes'),
    apiVersion: z.string(),
    kind: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
    node: z.string().optional(),
    cluster: z.string().optional(),
  }),
  z.object({ type: z.literal('azure'), kind: z.string(), id: z.string() }),
  z.object({ type: z.literal('none'), description: z.string() }),
]);

const RunRecordSchema = z.object({
  runId: z.string().min(1),
  batchId: z.string().min(1),
  time: z.string(),
  rule: z.string(),
  action: z.string(),
  trigger: z.object({
    type: z.enum(['alert', 'finding']),
    id: z.string(),
    ruleId: z.string(),
    severity: z.string(),
    title: z.string(),
    target: TargetRecordSchema.optional(),
  }),
  execution: z.string().optional(),
  target: TargetRecordSchema,
  params: z.unknown(),
  mode: z.enum(['dry-run', 'apply']),
  result: z.enum(RUN_RESULTS),
  reason: z.string(),
  attempts: z.number(),
  durationMs: z.number(),
  undo: z.record(z.string(), z.unknown()).optional(),
  undoOf: z.string().optional(),
});

/** An append-only JSON-lines file. */
export class AuditLog {
  readonly file: string;
  #fd: number | undefined;

  constructor(file: string) {
    this.file = file;
    try {
      this.#fd = openSync(file, 'a', 0o600);
    } catch (error) {
      throw new InputError('input.invalid', `cannot open the audit log ${file}: ${(error as Error).message}`, {
        location: { file },
      });
    }
  }

  append(record: RunRecord): void {
    if (this.#fd === undefined) throw new Error(`audit log ${this.file} is closed`);
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    if (this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}

/** Reads an audit log; malformed lines become diagnostics (file and line) and the rest is kept. */
export function readAuditLog(file: string): { records: RunRecord[]; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError('input.not-found', `cannot read the audit log ${file}: ${(error as Error).message}`, {
      location: { file },
    });
  }
  const records: RunRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const problem = (message: string): void => {
      diagnostics.push({
        level: 'warning',
        code: 'audit.invalid-line',
        message: `${message}; the line is ignored`,
        location: { file, line: index + 1 },
      });
    };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problem(`not JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = RunRecordSchema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      problem(`not an audit record (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})`);
      continue;
    }
    records.push(parsed.data as RunRecord);
  }
  return { records, diagnostics };
}
