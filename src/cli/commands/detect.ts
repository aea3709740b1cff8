/**
 * `palisade detect <files...|->`: audit and Falco events → detect() → alerts as a table or JSON
 * lines, optionally forwarded to a webhook, and the exit code. No domain logic here.
 *
 * Emission: in batch mode each alert is printed once, final, when its dedup window closes or at
 * end of input (the table is printed at the end, most severe first). With `--follow` an alert is
 * printed at first sight and again when its count grew (at most every 10 s) or when it closes.
 */

import { Command } from 'commander';
import {
  type Alert,
  atLeast,
  bySeverityDesc,
  type Diagnostic,
  formatLocation,
  isSeverity,
  type OptionDef,
  SCAN_OPTIONS,
  type Severity,
  UsageError,
} from '#core';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';

function shared(name: string, description: string): OptionDef {
  const def = SCAN_OPTIONS.find((d) => d.name === name);
  if (!def) throw new Error(`option ${name} is not in SCAN_OPTIONS`);
  return { ...def, description };
}

export const DETECT_OPTIONS: readonly OptionDef[] = [
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'table',
    choices: ['table', 'jsonl'],
    description: 'Output format: a table, or one alert per JSON line.',
  },
  {
    name: 'rules',
    flag: 'rules',
    placeholder: '<file>',
    type: 'list',
    description: 'Extra rule file, loaded after the built-in pack (repeatable).',
  },
  {
    name: 'skipBuiltin',
    flag: 'skip-builtin',
    type: 'boolean',
    description: 'Do not load the built-in rule pack (only --rules files).',
  },
  {
    name: 'disableRule',
    flag: 'disable-rule',
    placeholder: '<id>',
    type: 'list',
    description: 'Disable a rule by id (repeatable).',
  },
  { name: 'follow', flag: 'follow', type: 'boolean', description: 'Tail one growing file until interrupted.' },
  {
    name: 'fromStart',
    flag: 'from-start',
    type: 'boolean',
    description: 'With --follow, read the lines already in the file first (default: start at its end).',
  },
  {
    name: 'forward',
    flag: 'forward',
    placeholder: '<url>',
    env: 'PALISADE_FORWARD_URL',
    type: 'string',
    description: 'Also POST alerts as JSON batches ({"alerts": [...]}) to this webhook, with retry.',
  },
  {
    name: 'dedupWindow',
    flag: 'dedup-window',
    placeholder: '<duration>',
    type: 'string',
    default: '10m',
    description: 'Matches of one rule by one actor on one target within this window are one alert.',
  },
  {
    name: 'incidentWindow',
    flag: 'incident-window',
    placeholder: '<duration>',
    type: 'string',
    default: '30m',
    description: 'Alerts of several rules for one actor within this window form an incident.',
  },
  shared('failOn', 'Exit 1 when an alert is at or above this severity ("none": never).'),
  shared('strict', 'Exit 2 when the input or the rule files had errors, even without alerts.'),
  {
    name: 'maxEventSize',
    flag: 'max-event-size',
    placeholder: '<size>',
    type: 'size',
    default: '4MiB',
    description: 'Skip events (lines) larger than this, with a diagnostic.',
  },
];

const SHOWN_DIAGNOSTICS = 20;

export interface DetectCommandOptions {
  /** Ends `--follow` (default: SIGINT or SIGTERM). */
  readonly signal?: AbortSignal;
}

function failing(severities: Iterable<Severity>, failOn: string): boolean {
  if (failOn === 'none' || !isSeverity(failOn)) return false;
  for (const s of severities) if (atLeast(s, failOn)) return true;
  return false;
}

function duration(flag: string, text: string, parse: (t: string) => number | undefined): number {
  const ms = parse(text);
  if (ms === undefined) throw new UsageError(`--${flag}: "${text}" is not a duration such as 90s, 10m or 1h30m`);
  return ms;
}

function processSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export function detectCommand(io: CliIo, commandOptions: DetectCommandOptions = {}): Command {
  const command = new Command('detect')
    .description('Detect threats in Kubernetes/OpenShift audit logs and Falco events with the threat rules')
    .argument('<files...>', 'audit logs (JSON lines, an Event or an EventList; gzip; directories of rotated logs) or -')
    .addHelpText(
      'after',
      `
Exit codes: 0 no alert at or above --fail-on; 1 some alert is; 2 usage or input error (input errors
only with --strict); 3 runtime failure (including alerts that could not be forwarded).

Examples:
  palisade detect /var/log/kube-apiserver/audit.log --format jsonl
  palisade detect audit.log --follow --forward https://siem.example.com/hook
  oc adm node-logs --role=master --path=kube-apiserver/audit.log | palisade detect - --fail-on medium`,
    );
  addTableOptions(command, DETECT_OPTIONS);
  command.action(async (files: string[]) => {
    const { values } = await resolveOptions(command, DETECT_OPTIONS, io.env, io.cwd);
    const threats = await import('#threats');
    const dedupWindowMs = duration('dedup-window', values.dedupWindow as string, threats.parseDuration);
    const incidentWindowMs = duration('incident-window', values.incidentWindow as string, threats.parseDuration);
    const follow = values.follow === true;
    if (follow && (files.length !== 1 || files[0] === '-')) {
      throw new UsageError('--follow takes exactly one file (not -)');
    }
    const format = values.format as 'table' | 'jsonl';
    const maxEventBytes = values.maxEventSize as number;

    let inputProblems = 0;
    const onDiagnostic = (d: Diagnostic): void => {
      inputProblems++;
      if (inputProblems <= SHOWN_DIAGNOSTICS)
        io.stderr(`palisade: ${d.level}: ${formatLocation(d.location)}: ${d.message}\n`);
    };
    const forwarder = values.forward
      ? (() => {
          try {
            return new threats.Forwarder({ url: values.forward as string });
          } catch (err) {
            throw new UsageError((err as Error).message);
          }
        })()
      : undefined;

    const sig = follow && !commandOptions.signal ? processSignal() : undefined;
    const signal = commandOptions.signal ?? sig?.signal;
    const events = follow
      ? threats.followEvents(files[0] as string, {
          signal: signal as AbortSignal,
          fromStart: values.fromStart === true,
          maxEventBytes,
          onDiagnostic,
        })
      : threats.readEvents(files, {
          maxEventBytes,
          onDiagnostic,
          stdin: async function* () {
            yield Buffer.from(await io.readStdin(), 'utf8');
          },
        });
    const run = threats.detect(events, {
      ...(values.rules ? { rules: values.rules as string[] } : {}),
      ...(values.disableRule ? { disable: values.disableRule as string[] } : {}),
      builtin: values.skipBuiltin !== true,
      dedupWindowMs,
      incidentWindowMs,
      emit: follow ? 'stream' : 'final',
    });

    const severities = new Set<Severity>();
    const ids = new Set<string>();
    const table: Alert[] = [];
    try {
      for await (const alert of run) {
        severities.add(alert.severity);
        ids.add(alert.id);
        forwarder?.enqueue(alert);
        if (format === 'jsonl') await io.stdout(threats.alertJsonLine(alert));
        else if (follow) await io.stdout(threats.alertLine(alert));
        else table.push(alert);
      }
    } finally {
      sig?.dispose();
    }
    if (format === 'table' && !follow) {
      table.sort((a, b) => bySeverityDesc(a.severity, b.severity) || a.firstSeen.localeCompare(b.firstSeen));
      await io.stdout(threats.alertTable(table) + threats.incidentTable(run.incidents()));
    }
    if (inputProblems > SHOWN_DIAGNOSTICS) {
      io.stderr(`palisade: ${inputProblems - SHOWN_DIAGNOSTICS} more input diagnostic(s) not shown\n`);
    }
    let ruleErrors = 0;
    for (const d of run.diagnostics) {
      if (d.level === 'error') ruleErrors++;
      io.stderr(`palisade: ${d.level}: ${formatLocation(d.location)}: ${d.message}\n`);
    }
    const s = run.stats;
    io.stderr(
      `palisade: ${s.events} events, ${s.rules} rules, ${ids.size} alerts, ${s.alerts.incidents} incidents` +
        `${s.alerts.throttledTotal > 0 ? `, ${s.alerts.throttledTotal} alerts throttled` : ''}` +
        `${s.alerts.duplicates > 0 ? `, ${s.alerts.duplicates} duplicate events ignored` : ''}\n`,
    );
    let code: ExitCode = failing(severities, values.failOn as string) ? EXIT.policy : EXIT.ok;
    if (values.strict === true && inputProblems + ruleErrors > 0) code = EXIT.usage;
    if (forwarder) {
      const f = await forwarder.close();
      io.stderr(`palisade: forwarded ${f.sent} alert(s) in ${f.batches} request(s), ${f.retries} retries\n`);
      if (f.dropped + f.failed > 0) {
        io.stderr(
          `palisade: error: ${f.failed} alert(s) not delivered${f.lastError ? ` (${f.lastError})` : ''}, ${f.dropped} dropped (queue full)\n`,
        );
        code = EXIT.runtime;
      }
    }
    io.setExitCode(code);
  });
  return command;
}
