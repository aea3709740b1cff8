/**
 * `palisade rules list` (every loaded rule with id, title, severity, maturity and MITRE mapping)
 * and `palisade rules test <rule-id|file> <event-file>` (per event, whether each rule's pre-filter,
 * condition, exceptions and window matched, from engine.explain). No domain logic here.
 */
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { type OptionDef, UsageError } from '#core';
import type { Explanation, ThreatEvent } from '#threats';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { printDiagnostics } from '../output.ts';

const RULES_FILE: OptionDef = {
  name: 'rules',
  flag: 'rules',
  placeholder: '<file>',
  type: 'list',
  description: 'Extra rule file, loaded after the built-in pack (repeatable).',
};

const SKIP_BUILTIN: OptionDef = {
  name: 'skipBuiltin',
  flag: 'skip-builtin',
  type: 'boolean',
  description: 'Do not load the built-in rule pack (only --rules files).',
};

const LIST_OPTIONS: readonly OptionDef[] = [
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'table',
    choices: ['table', 'json'],
    description: 'Output format.',
  },
  RULES_FILE,
  SKIP_BUILTIN,
];

const TEST_OPTIONS: readonly OptionDef[] = [
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'table',
    choices: ['table', 'json'],
    description: 'Output format (json: an array of {event, explanation}).',
  },
  RULES_FILE,
  SKIP_BUILTIN,
];

export interface RuleListing {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly maturity: string;
  readonly mitre: { readonly tactic: string; readonly technique: string };
  readonly source: string;
  readonly enabled: boolean;
  readonly file: string;
  readonly line: number;
}

function listCommand(io: CliIo): Command {
  const command = new Command('list')
    .description('List the threat rules (built-in pack and --rules files)')
    .addHelpText('after', '\nExit codes: 0 listed; 2 a rule file could not be read.');
  addTableOptions(command, LIST_OPTIONS);
  command.action(async () => {
    const { values } = await resolveOptions(command, LIST_OPTIONS, io.env, io.cwd);
    const { loadRules } = await import('#threats');
    const loaded = await loadRules({
      ...(values.rules ? { rules: values.rules as string[] } : {}),
      builtin: values.skipBuiltin !== true,
    });
    printDiagnostics(io, loaded.diagnostics);
    const enabled = new Map(loaded.value.rules.map((r) => [r.spec.id, r]));
    const specs = new Map<string, RuleListing>();
    for (const file of loaded.value.files) {
      for (const { spec, origin } of file.rules) {
        specs.delete(spec.id);
        const compiled = enabled.get(spec.id);
        specs.set(spec.id, {
          id: spec.id,
          title: spec.title,
          severity: compiled?.severity ?? spec.severity,
          maturity: spec.maturity,
          mitre: { tactic: spec.mitre.tactic, technique: spec.mitre.technique },
          source: spec.source,
          enabled: compiled !== undefined,
          file: origin.file,
          line: origin.line,
        });
      }
    }
    const rows = [...specs.values()].sort((a, b) => a.id.localeCompare(b.id));
    if (values.format === 'json') {
      await io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    } else if (rows.length === 0) {
      await io.stdout('No rules loaded.\n');
    } else {
      const table = [
        ['ID', 'SEVERITY', 'MATURITY', 'MITRE', 'ENABLED', 'TITLE'],
        ...rows.map((r) => [
          r.id,
          r.severity,
          r.maturity,
          `${r.mitre.tactic}/${r.mitre.technique}`,
          r.enabled ? 'yes' : 'no',
          r.title,
        ]),
      ];
      const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] as string).length))) ?? [];
      const text = table
        .map((row) => `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')}\n`)
        .join('');
      await io.stdout(text);
    }
    io.setExitCode(EXIT.ok);
  });
  return command;
}

function describeEvent(ev: ThreatEvent): string {
  const where = ev.location.line === undefined ? ev.location.file : `${ev.location.file}:${ev.location.line}`;
  if (ev.kind === 'falco') return `${where} falco ${ev.falco.rule} at ${ev.falco.time}`;
  const e = ev.event;
  const ref = e.objectRef;
  const res = ref?.subresource ? `${ref.resource ?? ''}/${ref.subresource}` : (ref?.resource ?? '');
  const obj = ref?.namespace ? `${ref.namespace}/${ref.name ?? ''}` : (ref?.name ?? '');
  return `${where} ${e.auditID} ${e.stage} ${e.verb} ${res || '(no resource)'} ${obj} by ${e.user.username ?? '(unknown)'}`.replace(
    /\s+/g,
    ' ',
  );
}

function explanationText(x: Explanation): string {
  const step = (r: { result: string }, extra?: string): string => `${r.result}${extra ? ` (${extra})` : ''}`;
  const lines = [
    `  ${x.ruleId}  ${x.matched ? 'FIRES' : 'does not fire'}`,
    `    pre-filter: ${step(x.prefilter, x.prefilter.reason)}`,
    `    condition:  ${step(x.condition, x.condition.error)}`,
    ...x.exceptions.map((e) => `    exception ${e.name}: ${step(e, e.error)}`),
    `    window:     ${step(x.window, x.window.detail)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function testCommand(io: CliIo): Command {
  const command = new Command('test')
    .description(
      'Show, for each event of a file, whether a rule (by id, or every rule of a rule file) matches, step by step',
    )
    .argument('<rule>', 'a rule id (from the built-in pack or --rules) or a rule file')
    .argument('<event-file>', 'audit events (JSON lines, an Event or an EventList) or -')
    .addHelpText(
      'after',
      `
Events are tested in order and windows advance as they would in detect.
Exit codes: 0 tested (bad events are reported on standard error); 2 unknown rule or unreadable rule file.`,
    );
  addTableOptions(command, TEST_OPTIONS);
  command.action(async (rule: string, eventFile: string) => {
    const { values } = await resolveOptions(command, TEST_OPTIONS, io.env, io.cwd);
    const { createEngine, loadRules, readEvents } = await import('#threats');
    const extra = (values.rules as string[] | undefined) ?? [];
    const isFile = existsSync(rule) && statSync(rule).isFile();
    const loaded = isFile
      ? await loadRules({ builtin: false, rules: [...extra, rule] })
      : await loadRules({ rules: extra, builtin: values.skipBuiltin !== true });
    printDiagnostics(io, loaded.diagnostics);
    const ids = isFile
      ? (loaded.value.files.at(-1)?.rules.map((r) => r.spec.id) ?? []).filter((id) =>
          loaded.value.rules.some((r) => r.spec.id === id),
        )
      : [rule];
    if (!isFile && !loaded.value.rules.some((r) => r.spec.id === rule)) {
      throw new UsageError(
        `no enabled rule ${rule} (and no file of that name); see palisade rules list${extra.length ? ' --rules ...' : ''}`,
      );
    }
    if (ids.length === 0) throw new UsageError(`${rule} holds no enabled rule`);
    const engine = createEngine(loaded.value.rules);
    const events = readEvents([eventFile], {
      onDiagnostic: (d) => printDiagnostics(io, [d]),
      stdin: async function* () {
        yield Buffer.from(await io.readStdin(), 'utf8');
      },
    });
    const json: { event: string; explanation: Explanation }[] = [];
    let n = 0;
    for await (const ev of events) {
      n++;
      const explanations = ids.map((id) => engine.explain(ev, id));
      engine.evaluate(ev); // advance windows as detect would
      if (values.format === 'json') {
        for (const explanation of explanations) json.push({ event: describeEvent(ev), explanation });
      } else {
        await io.stdout(`${describeEvent(ev)}\n${explanations.map(explanationText).join('')}`);
      }
    }
    if (values.format === 'json') await io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    else if (n === 0) await io.stdout('No events.\n');
    io.setExitCode(EXIT.ok);
  });
  return command;
}

export function rulesCommand(io: CliIo): Command {
  const command = new Command('rules').description('List and test the threat rules');
  command.addCommand(listCommand(io));
  command.addCommand(testCommand(io));
  return command;
}
