/**
 * `palisade scan <paths...>`: flags → options → scanManifests → a format → stdout or --output,
 * and the exit code. No domain logic here.
 */
import { Command } from 'commander';
import { atLeast, createLogger, type FailOn, type LogLevel, SCAN_OPTIONS, type ScanReport } from '#core';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { writeOutput } from '../output.ts';

export function exitCodeFor(report: ScanReport, failOn: FailOn, strict: boolean): ExitCode {
  if (strict && report.summary.diagnostics.error > 0) {
    return EXIT.usage;
  }
  if (failOn === 'none') {
    return EXIT.ok;
  }
  const failing = report.findings.some((f) => f.status === 'fail' && !f.suppressed && atLeast(f.severity, failOn));
  return failing ? EXIT.policy : EXIT.ok;
}

export function scanCommand(io: CliIo): Command {
  const command = new Command('scan')
    .description(
      'Scan Kubernetes and OpenShift manifests, OpenShift cluster exports (oc get, must-gather) and Azure resources (az exports, Resource Graph rows, ARM and Bicep-compiled templates) with the posture checks',
    )
    .argument('<paths...>', 'files, directories or - (standard input)')
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing failed at or above --fail-on; 1 something did; 2 usage, config or input error
(input errors only with --strict); 3 runtime failure.

Examples:
  palisade scan manifests/ --framework pss-restricted --pss-version v1.30
  oc get deploy,sts,ds -A -o json | palisade scan - --format sarif --output palisade.sarif
  helm template ./chart | palisade scan - --fail-on medium
  az graph query -q "Resources" --first 1000 -o json > azure.json; palisade scan azure.json cluster/ --framework aro-landing-zone
  palisade scan infra/main.json --parameters infra/main.parameters.prod.json`,
    );
  addTableOptions(command, SCAN_OPTIONS);
  command.action(async (paths: string[]) => {
    const { values, config, configFile } = await resolveOptions(command, SCAN_OPTIONS, io.env, io.cwd);
    const logger = createLogger(values.logLevel as LogLevel);
    const [{ scanManifests }, { chunksOf, getFormat }] = await Promise.all([import('#posture'), import('#report')]);
    const format = getFormat(values.format as string);
    if (!format) {
      throw new Error(`format ${String(values.format)} is not registered`);
    }
    const report = await scanManifests(paths, {
      ...(values.frameworks ? { frameworks: values.frameworks as string[] } : {}),
      ...(values.include ? { include: values.include as string[] } : {}),
      ...(values.exclude ? { exclude: values.exclude as string[] } : {}),
      experimental: values.experimental === true,
      pssVersion: values.pssVersion as string,
      ...(values.allowedRegistries ? { settings: { allowedRegistries: values.allowedRegistries as string[] } } : {}),
      maxFileBytes: values.maxFileSize as number,
      ...(values.parameters ? { parameters: values.parameters as string[] } : {}),
      ...(config ? { config } : {}),
      ...(configFile ? { configFile } : {}),
      stdin: io.readStdin,
      logger,
      findings: values.status === 'all' ? 'all' : 'fail',
    });
    const output = values.output as string | undefined;
    const chunks = chunksOf(format, report, {
      status: values.status as 'fail' | 'all',
      color: output === undefined && io.stdoutIsTTY && !io.env.NO_COLOR,
      cwd: io.cwd,
      ...(output === undefined && io.stdoutColumns ? { width: io.stdoutColumns } : {}),
    });
    await writeOutput(io, output, chunks);
    io.setExitCode(exitCodeFor(report, values.failOn as FailOn, values.strict === true));
  });
  return command;
}
