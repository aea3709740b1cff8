/**
 * Offline review (`palisade admission review <file>`): the requests in a file, and the decisions
 * as text. A file holds AdmissionReview requests or plain objects (each wrapped as the CREATE
 * request the API server would send), one JSON value or any number of YAML documents (a `List` is
 * its items). Input problems throw InputError naming the file and the place.
 */
import { type Diagnostic, formatLocation, InputError, type SourceRef, UsageError } from '#core';
import { decode } from '#inventory';
import type { AdmissionOutcome } from './evaluate.ts';
import { type AdmissionRequest, parseAdmissionReview, wrapAsCreate } from './review.ts';

export interface ReviewInput {
  readonly request: AdmissionRequest;
  readonly source: SourceRef;
  /** True when the document was a plain object wrapped as a CREATE request. */
  readonly wrapped: boolean;
}

function where(source: SourceRef): string {
  const document = source.document === undefined ? '' : ` (document ${source.document + 1})`;
  return `${formatLocation({ file: source.file, ...(source.line === undefined ? {} : { line: source.line }) })}${document}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every request in a file's text, in order; throws InputError at the first bad document. */
export function readReviewInputs(text: string, file: string): ReviewInput[] {
  const decoded = decode(text, file);
  const error = decoded.diagnostics.find((d: Diagnostic) => d.level === 'error');
  if (error) {
    throw new InputError('input.invalid', `${formatLocation(error.location ?? { file })}: ${error.message}`, {
      location: error.location ?? { file },
    });
  }
  if (decoded.objects.length === 0) {
    throw new InputError('input.invalid', `${file}: no AdmissionReview or Kubernetes object found`, {
      location: { file },
    });
  }
  return decoded.objects.map(({ value, source }, index) => {
    if (isRecord(value) && value.kind === 'AdmissionReview') {
      const parsed = parseAdmissionReview(value);
      if ('error' in parsed) {
        throw new InputError('input.invalid', `${where(source)}: ${parsed.error}`, { location: source });
      }
      return { request: parsed.review.request, source, wrapped: false };
    }
    if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      throw new InputError(
        'input.invalid',
        `${where(source)}: neither an AdmissionReview nor a Kubernetes object (apiVersion and kind are required)`,
        { location: source },
      );
    }
    const uid = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
    return { request: wrapAsCreate(value, { uid }).request, source, wrapped: true };
  });
}

const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** `k=v,k2=v2` → labels (kubectl's --selector-like syntax); throws UsageError naming the bad pair. */
export function parseLabelList(text: string, flag = '--namespace-labels'): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const pair = raw.trim();
    if (pair === '') {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !LABEL_KEY.test(key)) {
      throw new UsageError(`${flag}: "${pair}" is not key=value with a valid label key`);
    }
    labels[key] = pair.slice(eq + 1);
  }
  return labels;
}

/** A readable summary of one decision (the `text` format). */
export function renderOutcomeText(input: ReviewInput, outcome: AdmissionOutcome): string {
  const { request } = input;
  const target = `${request.kind.kind} ${request.namespace ? `${request.namespace}/` : ''}${request.name ?? ''}`.trim();
  const verdict = outcome.allowed
    ? 'ALLOWED'
    : `DENIED (${outcome.status?.code ?? ''} ${outcome.status?.reason ?? ''})`;
  const lines = [`${where(input.source)}: ${request.operation} ${target}: ${verdict}`];
  if (outcome.detail.skipped) {
    lines.push(`  not evaluated: ${outcome.detail.skipped}`);
  }
  for (const mode of outcome.detail.modes) {
    const failed = mode.failed.map((f) => f.checkId).join(', ') || 'no failures';
    lines.push(`  ${mode.mode} ${mode.policy}: ${failed}`);
  }
  for (const denial of outcome.policies?.denials ?? []) {
    lines.push(`  policy ${denial.policy} (binding ${denial.binding}): denied`);
  }
  for (const error of outcome.policies?.errors ?? []) {
    lines.push(`  policy error: ${error.message}`);
  }
  if (!outcome.allowed && outcome.status) {
    lines.push(`  error: ${outcome.status.message}`);
  }
  for (const warning of outcome.warnings) {
    lines.push(`  warning: ${warning}`);
  }
  for (const [key, value] of Object.entries(outcome.auditAnnotations)) {
    lines.push(`  audit ${key}: ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
