/**
 * `palisade automate` (batch: alerts or a scan report in, one record per action run out),
 * `palisade automate serve` (long-running: an HTTPS endpoint fed by `palisade detect --forward`,
 * and scheduled scans), and `palisade automation undo|permissions|actions`. No domain logic here.
 */
import { Command } from 'commander';
import { clientAuthFromValues, clientAuthOptionDefs, describeClientAuth, type OptionDef, UsageError } from '#core';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { printDiagnostics } from '../output.ts';
import { processSignal } from '../signals.ts';

type AutomationModule = typeof import('#automation');
type RunRecord = import('#automation').RunRecord;

const RULES: OptionDef = {
  name: 'rules',
  flag: 'rules',
  placeholder: '<file>',
  type: 'string',
  env: 'PALISADE_AUTOMATION_RULES',
  description: 'Automation rules file (YAML).',
};

const AUDIT_LOG: OptionDef = {
  name: 'auditLog',
  flag: 'audit-log',
  placeholder: '<file>',
  type: 'string',
  env: 'PALISADE_AUDIT_LOG',
  default: 'palisade-audit.jsonl',
  description: 'Append-only audit record of every action run (JSON lines).',
};

const FORMAT: OptionDef = {
  name: 'format',
  flag: 'format',
  placeholder: '<format>',
  type: 'string',
  default: 'table',
  choices: ['table', 'jsonl'],
  description: 'Output: a line per action run (table) or one JSON record per line (jsonl).',
};

const CLUSTER_OPTIONS: readonly OptionDef[] = [
  {
    name: 'kubeconfig',
    flag: 'kubeconfig',
    placeholder: '<file>',
    type: 'string',
    description: 'Kubeconfig for the Kubernetes actions (default: KUBECONFIG, ~/.kube/config, or in-cluster).',
  },
  {
    name: 'context',
    flag: 'context',
    placeholder: '<name>',
    type: 'string',
    description: 'Kubeconfig context to use.',
  },
  {
    name: 'armEndpoint',
    flag: 'arm-endpoint',
    placeholder: '<url>',
    type: 'string',
    env: 'PALISADE_ARM_ENDPOINT',
    description:
      'Azure Resource Manager endpoint (default https://management.azure.com). Credentials: DefaultAzureCredential.',
  },
  {
    name: 'caFile',
    flag: 'ca-file',
    placeholder: '<file>',
    type: 'string',
    description: 'Extra PEM CA bundle trusted for ARM and webhook endpoints.',
  },
];

const DRY_RUN: OptionDef = {
  name: 'dryRun',
  flag: 'dry-run',
  type: 'boolean',
  description: 'Run every automation in dry-run, whatever its mode says.',
};

const BATCH_OPTIONS: readonly OptionDef[] = [
  RULES,
  {
    name: 'input',
    flag: 'input',
    placeholder: '<file|->',
    type: 'list',
    description:
      'Alert records (palisade detect --format jsonl) or a scan report (palisade scan --format json); repeatable; - is stdin.',
  },
  FORMAT,
  AUDIT_LOG,
  DRY_RUN,
  ...CLUSTER_OPTIONS,
];

const SERVE_OPTIONS: readonly OptionDef[] = [
  RULES,
  {
    name: 'host',
    flag: 'host',
    placeholder: '<address>',
    type: 'string',
    default: '0.0.0.0',
    description: 'Address to listen on.',
  },
  {
    name: 'port',
    flag: 'port',
    placeholder: '<port>',
    type: 'string',
    default: '8444',
    description: 'Port to listen on (0: any free port).',
  },
  {
    name: 'cert',
    flag: 'cert',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM serving certificate (reloaded when it changes).',
  },
  { name: 'key', flag: 'key', placeholder: '<file>', type: 'string', description: 'PEM private key of --cert.' },
  ...clientAuthOptionDefs({ protectedPaths: '/alerts and /findings', openPaths: 'GET /healthz needs none' }),
  {
    name: 'scan',
    flag: 'scan',
    placeholder: '<path>',
    type: 'list',
    description: 'Scan these files or directories every --every and act on the failing findings (repeatable).',
  },
  {
    name: 'every',
    flag: 'every',
    placeholder: '<duration>',
    type: 'string',
    description: 'Interval of the --scan scans (e.g. 1h).',
  },
  {
    name: 'allowUnauthenticated',
    flag: 'allow-unauthenticated',
    type: 'boolean',
    description: 'Start without --token-file or --client-ca (anyone who reaches the port can trigger automations).',
  },
  FORMAT,
  AUDIT_LOG,
  DRY_RUN,
  ...CLUSTER_OPTIONS,
];

export interface AutomateCommandOptions {
  /** Stops `automate serve` (tests); default SIGINT/SIGTERM. */
  readonly signal?: AbortSignal;
}

function targetText(record: RunRecord): string {
  const t = record.target;
  if (t.type === 'kubernetes') return t.namespace ? `${t.kind} ${t.namespace}/${t.name}` : `${t.kind} ${t.name}`;
  if (t.type === 'azure') return t.id;
  return t.description;
}

function recordLine(record: RunRecord, format: string): string {
  if (format === 'jsonl') return `${JSON.stringify(record)}\n`;
  return `${record.result.toUpperCase().padEnd(8)} ${record.mode.padEnd(7)} ${record.rule}  ${record.action}  ${targetText(record)}  ${record.reason}${record.undoOf ? ` (undo of ${record.undoOf})` : ''}  [${record.runId}]\n`;
}

function contextOptions(
  values: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): import('#automation').ContextOptions {
  const pick = (key: string): string | undefined =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined;
  const kubeconfig = pick('kubeconfig');
  const kubeContext = pick('context');
  const armEndpoint = pick('armEndpoint');
  const caFile = pick('caFile');
  return {
    env,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(kubeContext ? { kubeContext } : {}),
    ...(armEndpoint ? { armEndpoint } : {}),
    ...(caFile ? { caFile } : {}),
  };
}

async function loadRulesFrom(automation: AutomationModule, values: Readonly<Record<string, unknown>>) {
  if (typeof values.rules !== 'string') throw new UsageError('--rules <file> is required');
  return automation.loadAutomationRules(values.rules);
}

/** The runner of `automate` and `automate serve`, with the audit log as its memory. */
function openCliRunner(
  automation: AutomationModule,
  rules: import('#automation').AutomationRules,
  values: Readonly<Record<string, unknown>>,
  io: CliIo,
) {
  const format = values.format as string;
  const opened = automation.openRunner({
    rules,
    auditFile: values.auditLog as string,
    context: automation.createActionContext(contextOptions(values, io.env)),
    forceDryRun: values.dryRun === true,
    onRecord: (record) => void io.stdout(recordLine(record, format)),
  });
  printDiagnostics(io, opened.diagnostics);
  return opened;
}

/** Exit code after runs: 3 when an action failed, else 0. */
function exitFor(failed: number): number {
  return failed > 0 ? EXIT.runtime : EXIT.ok;
}

function serveCommand(io: CliIo, options: AutomateCommandOptions): Command {
  const command = new Command('serve')
    .description('Run automations on alerts and findings posted over HTTPS, and on scheduled scans')
    .addHelpText(
      'after',
      `
Endpoints: POST /alerts (the {"alerts": [...]} batches of palisade detect --forward, or alert JSON
lines); POST /findings (a palisade scan --format json report); GET /healthz.
Feed it from threat detection: palisade detect serve ... --forward https://<host>:8444/alerts
Runs until SIGINT or SIGTERM. Exit codes: 0 stopped cleanly; 2 usage error; 3 an action failed.`,
    );
  addTableOptions(command, SERVE_OPTIONS);
  command.action(async () => {
    const { values } = await resolveOptions(command, SERVE_OPTIONS, io.env, io.cwd);
    if (typeof values.cert !== 'string' || typeof values.key !== 'string') {
      throw new UsageError('automate serve needs --cert <file> and --key <file>');
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: "${values.port}" is not a port`);
    const scanPaths = (values.scan as string[] | undefined) ?? [];
    const { parseDuration } = await import('#threats');
    let everyMs: number | undefined;
    if (values.every !== undefined) {
      everyMs = parseDuration(String(values.every));
      if (everyMs === undefined || everyMs < 1000)
        throw new UsageError(`--every: "${values.every}" is not a duration of at least 1s`);
    }
    if (scanPaths.length > 0 !== (everyMs !== undefined)) throw new UsageError('--scan and --every go together');
    const automation = await import('#automation');
    const rules = await loadRulesFrom(automation, values);
    const clientAuth = clientAuthFromValues(values);
    if (describeClientAuth(clientAuth) === undefined && values.allowUnauthenticated !== true) {
      throw new UsageError(
        'automate serve changes clusters and Azure resources on what it is sent: give --token-file and/or --client-ca (or --allow-unauthenticated on a network only trusted senders reach)',
      );
    }
    const { runner, audit } = openCliRunner(automation, rules, values, io);
    const scan =
      scanPaths.length > 0
        ? async () => {
            const { scanManifests } = await import('#posture');
            const report = await scanManifests(scanPaths, { findings: 'fail' });
            printDiagnostics(io, report.diagnostics);
            return report.findings.map((f) => automation.subjectFromFinding(f));
          }
        : undefined;
    let server: Awaited<ReturnType<AutomationModule['startAutomationServer']>>;
    try {
      server = await automation.startAutomationServer({
        host: values.host as string,
        port,
        certFile: values.cert,
        keyFile: values.key,
        ...clientAuth,
        runner,
        onDiagnostic: (d) => printDiagnostics(io, [d]),
        ...(scan ? { scan } : {}),
        ...(everyMs !== undefined ? { everyMs } : {}),
      });
    } catch (error) {
      audit.close();
      throw new UsageError(
        `cannot start the automation endpoint: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const shown = server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : server.host;
    io.stderr(
      `palisade: listening on https://${shown}:${server.port}/alerts and /findings (${rules.automations.length} automations)\n`,
    );
    const auth = describeClientAuth(clientAuth);
    io.stderr(
      auth !== undefined
        ? `palisade: client authentication: ${auth}\n`
        : 'palisade: warning: --allow-unauthenticated: anyone who can reach the port can trigger automations\n',
    );
    const sig = options.signal ? undefined : processSignal();
    const signal = (options.signal ?? sig?.signal) as AbortSignal;
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    sig?.dispose();
    await server.close();
    audit.close();
    const s = runner.stats.results;
    io.stderr(
      `palisade: ${server.stats.requests} requests, ${server.stats.subjects} subjects, ${server.stats.scans} scans; ${s.applied} applied, ${s.planned} planned, ${s.skipped} skipped, ${s.failed} failed\n`,
    );
    io.setExitCode(exitFor(s.failed));
  });
  return command;
}

export function automateCommand(io: CliIo, options: AutomateCommandOptions = {}): Command {
  const command = new Command('automate')
    .description('Run automation rules on alerts or a scan report: isolate, scale to zero, label, notify, patch Azure')
    .argument('[input...]', 'Same as --input')
    .addHelpText(
      'after',
      `
Prints one record per action run, planned, applied, skipped or failed (--format jsonl: runId, rule,
action, target, mode, result, reason, ...), and appends each to --audit-log. The log's earlier
records count: a subject already handled is not handled again, and rate limits and cooldowns hold
across invocations that share the log.
Undo an applied run with: palisade automation undo <run-id|batch-id> --audit-log <file>
Exit codes: 0 every action ran or was skipped; 2 usage, rules or input error; 3 an action failed.

Examples:
  palisade detect audit.log --format jsonl > alerts.jsonl
  palisade automate --rules automations.yaml --input alerts.jsonl
  palisade scan cluster/ --format json | palisade automate --rules fixes.yaml --input - --dry-run`,
    );
  addTableOptions(command, BATCH_OPTIONS);
  command.action(async (args: string[]) => {
    const { values } = await resolveOptions(command, BATCH_OPTIONS, io.env, io.cwd);
    const inputs = [...((values.input as string[] | undefined) ?? []), ...args];
    if (inputs.length === 0) throw new UsageError('--input <file|-> is required (alert records or a scan report)');
    const automation = await import('#automation');
    const rules = await loadRulesFrom(automation, values);
    const subjects: import('#automation').Subject[] = [];
    for (const input of inputs) {
      const read =
        input === '-'
          ? automation.parseSubjects(await io.readStdin(), '<stdin>')
          : await automation.readSubjects(input);
      printDiagnostics(io, read.diagnostics);
      if (read.subjects.length === 0 && read.diagnostics.length > 0) {
        throw new UsageError(
          `${input === '-' ? 'standard input' : input} holds no alert record or finding (see above)`,
        );
      }
      subjects.push(...read.subjects);
    }
    const { runner, audit } = openCliRunner(automation, rules, values, io);
    try {
      for (const subject of subjects) runner.submit(subject);
      await runner.drain();
    } finally {
      audit.close();
    }
    const s = runner.stats;
    io.stderr(
      `palisade: ${s.subjects} subjects, ${s.matched} matched; ${s.results.applied} applied, ${s.results.planned} planned, ${s.results.skipped} skipped (${s.limited} rate-limited, ${s.cooldown} in cooldown), ${s.results.failed} failed; batch ${runner.batchId}\n`,
    );
    io.setExitCode(exitFor(s.results.failed));
  });
  command.addCommand(serveCommand(io, options));
  return command;
}

export function automationCommand(io: CliIo): Command {
  const command = new Command('automation').description(
    'Undo automation runs, list actions, and generate the permissions automations need',
  );

  const undoOptions: readonly OptionDef[] = [AUDIT_LOG, FORMAT, DRY_RUN, ...CLUSTER_OPTIONS];
  const undo = new Command('undo')
    .description('Reverse an applied action run, or every applied run of a batch (newest first)')
    .argument('<id>', 'Run id or batch id from the audit log')
    .addHelpText('after', '\nExit codes: 0 undone or nothing to undo; 2 unknown id; 3 an undo failed.');
  addTableOptions(undo, undoOptions);
  undo.action(async (id: string) => {
    const { values } = await resolveOptions(undo, undoOptions, io.env, io.cwd);
    const automation = await import('#automation');
    const auditFile = values.auditLog as string;
    const { diagnostics } = automation.readAuditLog(auditFile);
    printDiagnostics(io, diagnostics);
    const audit = new automation.AuditLog(auditFile);
    let records: RunRecord[];
    try {
      records = await automation.undoRuns({
        id,
        auditFile,
        context: automation.createActionContext(contextOptions(values, io.env)),
        audit,
        dryRun: values.dryRun === true,
        onRecord: (record) => void io.stdout(recordLine(record, values.format as string)),
      });
    } catch (error) {
      if (error instanceof automation.ActionError) throw new UsageError(error.message);
      throw error;
    } finally {
      audit.close();
    }
    io.setExitCode(exitFor(records.filter((r) => r.result === 'failed').length));
  });

  const permOptions: readonly OptionDef[] = [
    RULES,
    {
      name: 'kind',
      flag: 'kind',
      placeholder: '<kind>',
      type: 'string',
      default: 'all',
      choices: ['all', 'kubernetes', 'azure'],
      description: 'kubernetes: the ClusterRole YAML; azure: the custom role JSON; all: both.',
    },
    {
      name: 'namespace',
      flag: 'namespace',
      placeholder: '<ns>',
      type: 'string',
      default: 'palisade',
      description: 'Namespace of the ServiceAccount.',
    },
    {
      name: 'name',
      flag: 'name',
      placeholder: '<name>',
      type: 'string',
      default: 'palisade-automation',
      description: 'Name of the ServiceAccount, ClusterRole and binding.',
    },
  ];
  const permissions = new Command('permissions')
    .description("Print the ClusterRole and Azure custom role that the rules' actions need")
    .addHelpText(
      'after',
      '\nApply: palisade automation permissions --rules r.yaml --kind kubernetes | oc apply -f -\n       palisade automation permissions --rules r.yaml --kind azure > role.json && az role definition create --role-definition @role.json',
    );
  addTableOptions(permissions, permOptions);
  permissions.action(async () => {
    const { values } = await resolveOptions(permissions, permOptions, io.env, io.cwd);
    const automation = await import('#automation');
    const rules = await loadRulesFrom(automation, values);
    const required = automation.requiredPermissions(rules);
    const kind = values.kind as string;
    const yaml = automation.clusterRoleYaml(required, {
      namespace: values.namespace as string,
      name: values.name as string,
    });
    const role = automation.azureRoleDefinition(required);
    let out = '';
    if (kind !== 'azure') {
      out += yaml
        ? `${kind === 'all' ? '# Kubernetes: oc apply -f <this part>\n' : ''}${yaml}`
        : kind === 'kubernetes'
          ? ''
          : '# Kubernetes: the rules use no Kubernetes action\n';
    }
    if (kind !== 'kubernetes') {
      if (kind === 'all')
        out += `${out ? '\n' : ''}# Azure: az role definition create --role-definition @<this part as role.json>\n`;
      out += role
        ? `${JSON.stringify(role, null, 2)}\n`
        : kind === 'azure'
          ? ''
          : '# Azure: the rules use no Azure action\n';
    }
    await io.stdout(out);
  });

  const actionsOptions: readonly OptionDef[] = [
    {
      name: 'format',
      flag: 'format',
      placeholder: '<format>',
      type: 'string',
      default: 'table',
      choices: ['table', 'json'],
      description: 'Output format.',
    },
  ];
  const actions = new Command('actions').description('List the actions with their targets, undo and permissions');
  addTableOptions(actions, actionsOptions);
  actions.action(async () => {
    const { values } = await resolveOptions(actions, actionsOptions, io.env, io.cwd);
    const automation = await import('#automation');
    const list = automation.actionRegistry.items.map((a) => ({
      id: a.meta.id,
      title: a.meta.title,
      targets: a.meta.targets,
      ...(a.meta.kinds ? { kinds: a.meta.kinds } : {}),
      undoable: a.meta.undoable,
      disruptive: a.meta.disruptive,
      permissions: a.meta.permissions,
    }));
    if (values.format === 'json') {
      await io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    const lines = list.map(
      (a) =>
        `${a.id.padEnd(28)} ${(a.undoable ? 'undo' : '-').padEnd(5)} ${(a.disruptive ? 'disruptive' : '').padEnd(11)} ${a.title}`,
    );
    await io.stdout(`${'ACTION'.padEnd(28)} ${'UNDO'.padEnd(5)} ${''.padEnd(11)} TITLE\n${lines.join('\n')}\n`);
  });

  command.addCommand(undo);
  command.addCommand(permissions);
  command.addCommand(actions);
  return command;
}
