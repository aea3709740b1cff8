/**
 * `palisade detect <files...|->`: audit and Falco events → detect() → alerts as a table or JSON
 * lines, optionally forwarded to a webhook, and the exit code. No domain logic here.
 *
 * Emission: in batch mode each alert is printed once, final, when its dedup window closes or at
 * end of input (the table is printed at the end, most severe first). With `--follow` an alert is
 * printed at first sight and again when its count grew (at most every 10 s) or when it closes.
 */

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import {
  type Alert,
  atLeast,
  bySeverityDesc,
  clientAuthFromValues,
  clientAuthOptionDefs,
  type Diagnostic,
  describeClientAuth,
  isSeverity,
  type OptionDef,
  SCAN_OPTIONS,
  type Severity,
  UsageError,
} from '#core';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { printDiagnostics } from '../output.ts';
import { processSignal } from '../signals.ts';

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
    name: 'forwardTokenFile',
    flag: 'forward-token-file',
    placeholder: '<file>',
    type: 'string',
    description: 'Send "Authorization: Bearer <token>" with --forward, the token read from this file.',
  },
  {
    name: 'automate',
    flag: 'automate',
    placeholder: '<rules>',
    type: 'string',
    env: 'PALISADE_AUTOMATION_RULES',
    description: 'Run these automation rules on the alerts, in this process (see docs/automation.md).',
  },
  {
    name: 'auditLog',
    flag: 'audit-log',
    placeholder: '<file>',
    type: 'string',
    env: 'PALISADE_AUDIT_LOG',
    default: 'palisade-audit.jsonl',
    description: 'With --automate: the append-only record of every action run (JSON lines).',
  },
  {
    name: 'kubeconfig',
    flag: 'kubeconfig',
    placeholder: '<file>',
    type: 'string',
    description:
      'With --automate: kubeconfig for the Kubernetes actions (default: KUBECONFIG, ~/.kube/config, in-cluster).',
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

type ThreatsModule = typeof import('#threats');
type AlertForwarder = InstanceType<ThreatsModule['Forwarder']>;

/** The --forward webhook's forwarder (undefined without --forward); a bad URL is a usage error. */
function forwarderFor(threats: ThreatsModule, values: Readonly<Record<string, unknown>>): AlertForwarder | undefined {
  const url = values.forward;
  const tokenFile = values.forwardTokenFile;
  if (!url) {
    if (tokenFile !== undefined) throw new UsageError('--forward-token-file needs --forward');
    return undefined;
  }
  let headers: Record<string, string> | undefined;
  if (typeof tokenFile === 'string') {
    let token: string;
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--forward-token-file: cannot read ${tokenFile}: ${(err as Error).message}`);
    }
    if (!token || /[\r\n]/.test(token))
      throw new UsageError(`--forward-token-file: ${tokenFile} holds no single-line token`);
    headers = { authorization: `Bearer ${token}` };
  }
  try {
    return new threats.Forwarder({ url: url as string, ...(headers ? { headers } : {}) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

type AutomationModule = typeof import('#automation');
type AlertRunner = InstanceType<AutomationModule['Runner']>;

/** The in-process automation runner of --automate (undefined without it); rules errors are usage errors. */
async function runnerFor(
  values: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<{ runner: AlertRunner; automation: AutomationModule; close(): void } | undefined> {
  if (typeof values.automate !== 'string') return undefined;
  const automation = await import('#automation');
  const rules = await automation.loadAutomationRules(values.automate);
  const { runner, audit, diagnostics } = automation.openRunner({
    rules,
    auditFile: values.auditLog as string,
    context: automation.createActionContext({
      env: io.env,
      ...(typeof values.kubeconfig === 'string' ? { kubeconfig: values.kubeconfig } : {}),
    }),
    onRecord: (r) =>
      io.stderr(`palisade: automation: ${r.result} ${r.mode} ${r.rule} ${r.action}: ${r.reason} [${r.runId}]\n`),
  });
  printDiagnostics(io, diagnostics);
  return { runner, automation, close: () => audit.close() };
}

/** Waits for the automation runs and reports them; false when an action failed. */
async function closeRunner(
  automating: NonNullable<Awaited<ReturnType<typeof runnerFor>>>,
  io: CliIo,
): Promise<boolean> {
  const s = await automating.runner.drain();
  automating.close();
  io.stderr(
    `palisade: automation: ${s.results.applied} applied, ${s.results.planned} planned, ${s.results.skipped} skipped, ${s.results.failed} failed; batch ${automating.runner.batchId}\n`,
  );
  return s.results.failed === 0;
}

/** Flushes the forwarder and reports what it sent; false when some alert was not delivered. */
async function closeForwarder(forwarder: AlertForwarder, io: CliIo): Promise<boolean> {
  const f = await forwarder.close();
  io.stderr(`palisade: forwarded ${f.sent} alert(s) in ${f.batches} request(s), ${f.retries} retries\n`);
  if (f.dropped + f.failed === 0) return true;
  io.stderr(
    `palisade: error: ${f.failed} alert(s) not delivered${f.lastError ? ` (${f.lastError})` : ''}, ${f.dropped} dropped (queue full)\n`,
  );
  return false;
}

function duration(flag: string, text: string, parse: (t: string) => number | undefined): number {
  const ms = parse(text);
  if (ms === undefined) throw new UsageError(`--${flag}: "${text}" is not a duration such as 90s, 10m or 1h30m`);
  return ms;
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
  // `detect serve ...`: a subcommand with its own flags (a file named serve: ./serve).
  command.addCommand(serveCommand(io, commandOptions));
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
      if (inputProblems <= SHOWN_DIAGNOSTICS) printDiagnostics(io, [d]);
    };
    const forwarder = forwarderFor(threats, values);
    const automating = await runnerFor(values, io);

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
        automating?.runner.submit(automating.automation.subjectFromAlert(alert));
        if (format === 'jsonl') await io.stdout(threats.alertJsonLine(alert));
        else if (follow) await io.stdout(threats.alertLine(alert));
        else table.push(alert);
      }
    } catch (error) {
      // The runs already started end, and are recorded, before the error is reported.
      if (automating) await closeRunner(automating, io);
      throw error;
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
      printDiagnostics(io, [d]);
    }
    const s = run.stats;
    io.stderr(
      `palisade: ${s.events} events, ${s.rules} rules, ${ids.size} alerts, ${s.alerts.incidents} incidents` +
        `${s.alerts.throttledTotal > 0 ? `, ${s.alerts.throttledTotal} alerts throttled` : ''}` +
        `${s.alerts.duplicates > 0 ? `, ${s.alerts.duplicates} duplicate events ignored` : ''}\n`,
    );
    let code: ExitCode = failing(severities, values.failOn as string) ? EXIT.policy : EXIT.ok;
    if (values.strict === true && inputProblems + ruleErrors > 0) code = EXIT.usage;
    if (forwarder && !(await closeForwarder(forwarder, io))) code = EXIT.runtime;
    if (automating && !(await closeRunner(automating, io))) code = EXIT.runtime;
    io.setExitCode(code);
  });
  return command;
}

const SERVE_ONLY: readonly OptionDef[] = [
  {
    name: 'cert',
    flag: 'cert',
    placeholder: '<file>',
    type: 'string',
    description: 'TLS certificate (PEM; reloaded when it changes).',
  },
  {
    name: 'key',
    flag: 'key',
    placeholder: '<file>',
    type: 'string',
    description: 'TLS private key (PEM; reloaded when it changes).',
  },
  ...clientAuthOptionDefs({ protectedPaths: '/audit', openPaths: 'GET /healthz needs none' }),
  {
    name: 'port',
    flag: 'port',
    placeholder: '<port>',
    type: 'string',
    default: '8443',
    description: 'Port to listen on (0: any free port).',
  },
  {
    name: 'host',
    flag: 'host',
    placeholder: '<address>',
    type: 'string',
    default: '0.0.0.0',
    description: 'Address to listen on.',
  },
  {
    name: 'maxBodySize',
    flag: 'max-body-size',
    placeholder: '<size>',
    type: 'size',
    default: '16MiB',
    description: 'Refuse request bodies (EventList batches) larger than this with 413.',
  },
  {
    name: 'queueSize',
    flag: 'queue-size',
    placeholder: '<events>',
    type: 'string',
    default: '10000',
    description: 'Events waiting for detection; when full, batches get 503 and the API server retries.',
  },
];

const FROM_DETECT = [
  'rules',
  'skipBuiltin',
  'disableRule',
  'forward',
  'forwardTokenFile',
  'automate',
  'auditLog',
  'kubeconfig',
  'dedupWindow',
  'incidentWindow',
  'maxEventSize',
];

export const SERVE_OPTIONS: readonly OptionDef[] = [
  ...SERVE_ONLY,
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'jsonl',
    choices: ['jsonl', 'table'],
    description: 'Output format: one alert per JSON line, or one table row per alert.',
  },
  ...DETECT_OPTIONS.filter((d) => FROM_DETECT.includes(d.name)),
];

function integer(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

function serveCommand(io: CliIo, commandOptions: DetectCommandOptions): Command {
  const command = new Command('serve')
    .description('Receive audit events from the Kubernetes audit webhook backend over HTTPS and detect threats')
    .addHelpText(
      'after',
      `
Endpoints: POST /audit (or /) with an audit.k8s.io/v1 EventList or Event; GET /healthz.
Client authentication: --client-ca (the webhook kubeconfig's client-certificate/client-key) and/or
--token-file (its token); with both, both are required. Without either, anyone who can reach the
port can post events. /healthz never needs authentication (for kubelet probes).
Runs until SIGINT or SIGTERM. Exit codes: 0 stopped cleanly; 2 usage error; 3 runtime failure
(alerts that could not be forwarded). See docs/threats-webhook.md for the API server setup.

Example:
  palisade detect serve --cert tls.crt --key tls.key --client-ca apiserver-ca.crt \\
    --client-name kube-apiserver --port 8443 --forward https://siem.example.com/hook`,
    );
  addTableOptions(command, SERVE_OPTIONS);
  command.action(async () => {
    const { values } = await resolveOptions(command, SERVE_OPTIONS, io.env, io.cwd);
    if (typeof values.cert !== 'string' || typeof values.key !== 'string') {
      throw new UsageError('detect serve needs --cert <file> and --key <file>');
    }
    const clientAuth = clientAuthFromValues(values);
    const threats = await import('#threats');
    const port = integer('port', values.port as string, 0, 65535);
    const queueSize = integer('queue-size', values.queueSize as string, 1, 10_000_000);
    const dedupWindowMs = duration('dedup-window', values.dedupWindow as string, threats.parseDuration);
    const incidentWindowMs = duration('incident-window', values.incidentWindow as string, threats.parseDuration);
    const format = values.format as 'table' | 'jsonl';

    let inputProblems = 0;
    const onDiagnostic = (d: Diagnostic): void => {
      inputProblems++;
      if (
        inputProblems <= SHOWN_DIAGNOSTICS ||
        d.code === threats.SERVE_DIAGNOSTIC_CODES.tlsReload ||
        d.code === threats.SERVE_DIAGNOSTIC_CODES.tokenReload
      )
        printDiagnostics(io, [d]);
    };
    const forwarder = forwarderFor(threats, values);
    const automating = await runnerFor(values, io);

    // Rules first: a broken rule file is a usage error before the port is opened.
    const loaded = await threats.loadRules({
      ...(values.rules ? { rules: values.rules as string[] } : {}),
      ...(values.disableRule ? { disable: values.disableRule as string[] } : {}),
      builtin: values.skipBuiltin !== true,
    });
    for (const d of loaded.diagnostics) printDiagnostics(io, [d]);

    const queue = new threats.AuditEventQueue(queueSize);
    let server: Awaited<ReturnType<typeof threats.startAuditWebhook>>;
    try {
      server = await threats.startAuditWebhook({
        host: values.host as string,
        port,
        certFile: values.cert,
        keyFile: values.key,
        ...clientAuth,
        maxBodyBytes: values.maxBodySize as number,
        maxEventBytes: values.maxEventSize as number,
        onEvents: (events) => queue.offer(events),
        onDiagnostic,
      });
    } catch (err) {
      throw new UsageError(`cannot start the audit webhook: ${err instanceof Error ? err.message : String(err)}`);
    }
    const shown = server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : server.host;
    io.stderr(
      `palisade: listening on https://${shown.includes(':') ? `[${shown}]` : shown}:${server.port}/audit (${loaded.value.rules.length} rules)\n`,
    );
    const auth = describeClientAuth(clientAuth);
    if (auth !== undefined) io.stderr(`palisade: client authentication: ${auth}\n`);
    else {
      io.stderr(
        'palisade: warning: no client authentication (--client-ca, --token-file): the endpoint accepts audit events from anyone who can reach it\n',
      );
    }

    const sig = commandOptions.signal ? undefined : processSignal();
    const signal = (commandOptions.signal ?? sig?.signal) as AbortSignal;
    const stop = (): void => {
      void server.close().then(() => queue.end());
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });

    const run = threats.detect(queue, {
      compiled: loaded.value.rules,
      dedupWindowMs,
      incidentWindowMs,
      emit: 'stream',
    });
    try {
      for await (const alert of run) {
        forwarder?.enqueue(alert);
        automating?.runner.submit(automating.automation.subjectFromAlert(alert));
        await io.stdout(format === 'jsonl' ? threats.alertJsonLine(alert) : threats.alertLine(alert));
      }
    } catch (error) {
      if (automating) await closeRunner(automating, io);
      throw error;
    } finally {
      signal.removeEventListener('abort', stop);
      sig?.dispose();
      await server.close();
      queue.end();
    }
    printDiagnostics(io, run.diagnostics);
    if (inputProblems > SHOWN_DIAGNOSTICS) {
      io.stderr(`palisade: ${inputProblems - SHOWN_DIAGNOSTICS} more diagnostic(s) not shown\n`);
    }
    const w = server.stats;
    const q = queue.stats;
    io.stderr(
      `palisade: ${w.requests} requests, ${w.events} events, ${run.stats.alerts.alerts} alerts; ` +
        `rejected: ${w.malformed} malformed, ${w.tooLarge} too large, ${w.invalidEvents} invalid events, ` +
        `${w.unauthorized} unauthorized, ${w.forbidden} forbidden; ` +
        `${q.refused} events refused (queue full, ${w.refused} batches answered 503); ${w.reloads} certificate reloads` +
        `${clientAuth.tokenFile !== undefined ? `, ${w.tokenReloads} token reloads` : ''}\n`,
    );
    let code: ExitCode = EXIT.ok;
    if (forwarder && !(await closeForwarder(forwarder, io))) code = EXIT.runtime;
    if (automating && !(await closeRunner(automating, io))) code = EXIT.runtime;
    io.setExitCode(code);
  });
  return command;
}
