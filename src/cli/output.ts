/** Writing a report: to `--output FILE` (with a note on stderr) or to standard output, chunk by chunk. */
import { open } from 'node:fs/promises';
import { type Diagnostic, formatLocation } from '#core';
import type { CliIo } from './io.ts';

/** Diagnostics on standard error, one line each: `palisade: <level>: <file:line>: <message>`. */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`palisade: ${d.level}: ${formatLocation(d.location)}: ${d.message}\n`);
}

/** Written piece by piece: a large report is never held whole in memory. */
export async function writeOutput(io: CliIo, output: string | undefined, chunks: Iterable<string>): Promise<void> {
  if (output) {
    const file = await open(output, 'w');
    try {
      for (const chunk of chunks) {
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    io.stderr(`palisade: report written to ${output}\n`);
  } else {
    for (const chunk of chunks) {
      await io.stdout(chunk);
    }
  }
}
