/**
 * Turns one parsed JSON value (a line, or a whole file) into ThreatEvents and diagnostics.
 * Audit events: https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/ (Event,
 * EventList; v1beta1 adds `timestamp`). Falco: https://falco.org/docs/concepts/outputs/formatting/
 * (a line is Falco's when it has `rule`, `priority` and `output` and no `apiVersion`).
 */

import type { z } from 'zod';
import { compileGuard, type Diagnostic, type SourceLocation } from '#core';
import { AuditEvent, FalcoEvent, type ThreatEvent } from '../event.ts';
import { parseTimestamp } from './time.ts';

/**
 * Non-copying validity tests derived from the zod schemas (they agree with zod by construction):
 * a valid event is used as parsed, and zod runs only to explain a refused one.
 */
const isAuditEvent = compileGuard(AuditEvent);
const isFalcoEvent = compileGuard(FalcoEvent);

/** The value itself when the guard accepts it (no copy), else zod's verdict with its issues. */
function validate<T>(
  schema: z.ZodType<T>,
  guard: (value: unknown) => boolean,
  value: unknown,
): { success: true; data: T } | { success: false; error: z.ZodError } {
  if (guard(value)) return { success: true, data: value as T };
  const parsed = schema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}

export const DIAGNOSTIC_CODES = {
  malformedLine: 'threats.malformed-line',
  malformedDocument: 'threats.malformed-document',
  unknownApiVersion: 'threats.unknown-api-version',
  unknownKind: 'threats.unknown-kind',
  missingField: 'threats.missing-field',
  invalidEvent: 'threats.invalid-event',
  invalidTime: 'threats.invalid-time',
  oversizedEvent: 'threats.oversized-event',
  oversizedDocument: 'threats.oversized-document',
  truncatedInput: 'threats.truncated-input',
  unreadable: 'threats.unreadable-input',
} as const;

const AUDIT_API_VERSIONS: ReadonlySet<string> = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1']);

export type Emit = (event: ThreatEvent) => void;
export type Report = (diagnostic: Diagnostic) => void;

export function error(code: string, message: string, location: SourceLocation): Diagnostic {
  return { level: 'error', code, message, location };
}

/**
 * Classifies `value` found at `location`. `bytes` is its serialized size, checked against
 * `maxEventBytes` (for an EventList, each item is measured only when the list is larger than that).
 */
export function classify(
  value: unknown,
  location: SourceLocation,
  bytes: number,
  maxEventBytes: number,
  emit: Emit,
  report: Report,
): void {
  if (!isRecord(value)) {
    report(error(DIAGNOSTIC_CODES.invalidEvent, `expected a JSON object, found ${describe(value)}`, location));
    return;
  }
  if (value.kind === 'EventList') {
    classifyList(value, location, bytes, maxEventBytes, emit, report);
    return;
  }
  if (bytes > maxEventBytes) {
    report(oversized(bytes, maxEventBytes, location));
    return;
  }
  classifyOne(value, location, { file: location.file, line: location.line ?? 1 }, emit, report);
}

function classifyList(
  list: Record<string, unknown>,
  location: SourceLocation,
  bytes: number,
  maxEventBytes: number,
  emit: Emit,
  report: Report,
): void {
  if (typeof list.apiVersion !== 'string' || !AUDIT_API_VERSIONS.has(list.apiVersion)) {
    report(
      error(
        DIAGNOSTIC_CODES.unknownApiVersion,
        `EventList has apiVersion ${JSON.stringify(list.apiVersion) ?? 'undefined'}; expected audit.k8s.io/v1 or audit.k8s.io/v1beta1`,
        location,
      ),
    );
    return;
  }
  if (!Array.isArray(list.items)) {
    report(error(DIAGNOSTIC_CODES.missingField, 'EventList has no "items" array', { ...location, path: 'items' }));
    return;
  }
  const measure = bytes > maxEventBytes;
  list.items.forEach((item: unknown, index) => {
    const where: SourceLocation = { ...location, path: `items[${index}]` };
    if (measure) {
      const size = Buffer.byteLength(JSON.stringify(item) ?? '');
      if (size > maxEventBytes) {
        report(oversized(size, maxEventBytes, where));
        return;
      }
    }
    if (!isRecord(item)) {
      report(error(DIAGNOSTIC_CODES.invalidEvent, `EventList item is ${describe(item)}, not an object`, where));
      return;
    }
    // EventLocation: the item index of an EventList + 1.
    classifyOne(item, where, { file: location.file, line: index + 1 }, emit, report);
  });
}

function classifyOne(
  value: Record<string, unknown>,
  where: SourceLocation,
  eventLocation: { readonly file: string; readonly line: number },
  emit: Emit,
  report: Report,
): void {
  if (value.apiVersion === undefined && 'rule' in value && 'priority' in value && 'output' in value) {
    const parsed = validate(FalcoEvent, isFalcoEvent, value);
    if (!parsed.success) {
      report(schemaDiagnostic('Falco event', value, parsed.error, where));
      return;
    }
    const time = parseTimestamp(parsed.data.time);
    if (Number.isNaN(time)) {
      report(
        error(DIAGNOSTIC_CODES.invalidTime, `Falco event has an unreadable time ${JSON.stringify(parsed.data.time)}`, {
          ...where,
          path: joinPath(where.path, 'time'),
        }),
      );
      return;
    }
    emit({ kind: 'falco', falco: parsed.data, time, location: eventLocation });
    return;
  }
  if (value.apiVersion === undefined && value.kind === undefined && value.auditID === undefined) {
    report(
      error(
        DIAGNOSTIC_CODES.unknownKind,
        'object is neither an audit Event (no apiVersion/kind/auditID) nor a Falco event (no rule/priority/output)',
        where,
      ),
    );
    return;
  }
  if (
    value.apiVersion !== undefined &&
    (typeof value.apiVersion !== 'string' || !AUDIT_API_VERSIONS.has(value.apiVersion))
  ) {
    report(
      error(
        DIAGNOSTIC_CODES.unknownApiVersion,
        `apiVersion ${JSON.stringify(value.apiVersion)} is not audit.k8s.io/v1 or audit.k8s.io/v1beta1`,
        { ...where, path: joinPath(where.path, 'apiVersion') },
      ),
    );
    return;
  }
  if (value.kind !== 'Event') {
    report(
      error(
        DIAGNOSTIC_CODES.unknownKind,
        `kind ${JSON.stringify(value.kind) ?? 'undefined'} is not Event or EventList`,
        {
          ...where,
          path: joinPath(where.path, 'kind'),
        },
      ),
    );
    return;
  }
  const parsed = validate(AuditEvent, isAuditEvent, value);
  if (!parsed.success) {
    report(schemaDiagnostic('audit Event', value, parsed.error, where));
    return;
  }
  const event = parsed.data;
  const stamp =
    event.stageTimestamp ??
    event.requestReceivedTimestamp ??
    (typeof value.timestamp === 'string' ? value.timestamp : undefined);
  const time = stamp === undefined ? Number.NaN : parseTimestamp(stamp);
  if (Number.isNaN(time)) {
    report(
      error(
        DIAGNOSTIC_CODES.invalidTime,
        stamp === undefined
          ? `audit Event ${event.auditID} has no stageTimestamp, requestReceivedTimestamp or timestamp`
          : `audit Event ${event.auditID} has an unreadable timestamp ${JSON.stringify(stamp)}`,
        where,
      ),
    );
    return;
  }
  emit({ kind: 'audit', event, time, location: eventLocation });
}

function schemaDiagnostic(
  what: string,
  value: Record<string, unknown>,
  zodError: z.ZodError,
  where: SourceLocation,
): Diagnostic {
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const issue of zodError.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'invalid_type' && issue.path.length === 1 && value[String(issue.path[0])] === undefined) {
      missing.push(path);
    } else {
      invalid.push(`${path || '(root)'}: ${issue.message}`);
    }
  }
  const parts: string[] = [];
  if (missing.length > 0) {
    parts.push(`missing ${missing.map((field) => `"${field}"`).join(', ')}`);
  }
  if (invalid.length > 0) {
    parts.push(invalid.slice(0, 3).join('; ') + (invalid.length > 3 ? ` (and ${invalid.length - 3} more)` : ''));
  }
  const code = invalid.length === 0 ? DIAGNOSTIC_CODES.missingField : DIAGNOSTIC_CODES.invalidEvent;
  const firstPath = zodError.issues[0]?.path.map(String).join('.');
  return error(code, `${what} is invalid: ${parts.join('; ')}`, {
    ...where,
    ...(firstPath ? { path: joinPath(where.path, firstPath) } : {}),
  });
}

export function oversized(bytes: number, limit: number, location: SourceLocation): Diagnostic {
  return error(
    DIAGNOSTIC_CODES.oversizedEvent,
    `event of ${bytes} bytes is larger than the limit of ${limit} bytes (maxEventBytes); skipped`,
    location,
  );
}

function joinPath(prefix: string | undefined, path: string): string {
  return prefix ? `${prefix}.${path}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
