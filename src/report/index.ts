/**
 * Reports: render a ScanReport as a terminal table, the documented JSON contract or SARIF 2.1.0.
 * Pick a format with getFormat(id) (the `--format` value) or call renderReport.
 */
import type { ScanReport } from '#core';
import { UsageError } from '#core';
import type { OutputFormat, RenderOptions } from './format.ts';
import { FORMATS, getFormat } from './formats/index.ts';

export {
  chunksOf,
  isShown,
  type OutputFormat,
  type RenderOptions,
  STATUS_FILTERS,
  type StatusFilter,
  selectFindings,
} from './format.ts';
export { FORMATS, getFormat } from './formats/index.ts';
export { json, jsonChunks, jsonSummary, renderJsonText, toJsonReport } from './formats/json.ts';
export { FINGERPRINT_KEY, pascalCase, SARIF_SCHEMA_URI, sarif, sarifRule, toSarifLog } from './formats/sarif.ts';
export { table } from './formats/table.ts';

/** Render a report in the format with this id; throws UsageError naming the known formats otherwise. */
export function renderReport(report: ScanReport, formatId: string, options: RenderOptions): string {
  const format: OutputFormat | undefined = getFormat(formatId);
  if (!format) {
    throw new UsageError(`unknown format "${formatId}" (one of: ${FORMATS.map((f) => f.id).join(', ')})`);
  }
  return format.render(report, options);
}
