/**
 * An output format renders a ScanReport to text: the terminal table, the JSON contract
 * (docs/reference/report-json.md) or SARIF 2.1.0. Each format is one file in formats/, listed in
 * formats/index.ts. Renderers are pure: the same report and options give the same bytes (no
 * clock, no environment, no I/O), and the summary always covers every finding, whatever is shown.
 */
import type { Finding, ScanReport } from '#core';

export const STATUS_FILTERS = ['fail', 'all'] as const;
/**
 * Which findings a format shows. 'fail': failing findings (suppressed ones included, marked as
 * such) and error findings (a check could not judge); 'all': every finding.
 */
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface RenderOptions {
  readonly status: StatusFilter;
  /** ANSI colour. The CLI passes `process.stdout.isTTY && !NO_COLOR`; false means no escape codes at all. */
  readonly color: boolean;
  /** Directory that relative paths are relative to (the process working directory): SARIF URIs, table locations. */
  readonly cwd: string;
  /** Terminal width in columns: the table wraps long lines to it. Unset: no wrapping. */
  readonly width?: number;
}

export interface OutputFormat {
  /** The `--format` value; equals the file name in formats/. */
  readonly id: string;
  readonly title: string;
  /** IANA media type of the output (for `--output` files and the REST API). */
  readonly mediaType: string;
  /** File extension without the dot; golden files are test/fixtures/golden/scan-<id>.<ext>. */
  readonly fileExtension: string;
  /** Render the whole report; the text ends with a newline. Never throws on a valid report. */
  render(report: ScanReport, options: RenderOptions): string;
  /**
   * The same text in pieces, for writing a large report without holding it whole in memory.
   * Optional: formats without it are written from `render`.
   */
  renderChunks?(report: ScanReport, options: RenderOptions): Iterable<string>;
}

/** A format's text as chunks: its own streaming renderer, or the whole text as one chunk. */
export function chunksOf(format: OutputFormat, report: ScanReport, options: RenderOptions): Iterable<string> {
  return format.renderChunks ? format.renderChunks(report, options) : [format.render(report, options)];
}

/** Whether a finding is shown under a status filter. */
export function isShown(finding: Finding, status: StatusFilter): boolean {
  return (
    status === 'all' || finding.status === 'fail' || finding.status === 'error' || finding.status === 'indeterminate'
  );
}

/** The findings a status filter shows, in report order. */
export function selectFindings(findings: readonly Finding[], status: StatusFilter): readonly Finding[] {
  return status === 'all' ? findings : findings.filter((f) => isShown(f, status));
}
