/**
 * `palisade image <source>`: flags → options → scanImage → a format → stdout or --output, and
 * the exit code. `palisade sbom <source>`: the packages as CycloneDX or SPDX. No domain logic here.
 */
import { Command, Option } from 'commander';
import {
  atLeast,
  createLogger,
  type FailOn,
  IMAGE_OPTIONS,
  type LogLevel,
  type ScanReport,
  TOOL_NAME,
  TOOL_VERSION,
  type Vulnerability,
} from '#core';
import type { SbomSubject } from '#images';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { writeOutput } from '../output.ts';

const SBOM_OPTIONS = IMAGE_OPTIONS.filter((d) =>
  [
    'output',
    'platform',
    'skipLayerCache',
    'layerCacheDir',
    'username',
    'password',
    'insecureRegistries',
    'strict',
    'config',
    'logLevel',
  ].includes(d.name),
);

/** Exit code of an image scan: unsuppressed affected vulnerabilities at or above --fail-on. */
export function imageExitCode(report: ScanReport, failOn: FailOn, strict: boolean): ExitCode {
  if (strict && report.summary.diagnostics.error > 0) {
    return EXIT.usage;
  }
  if (failOn === 'none') {
    return EXIT.ok;
  }
  const failing = (report.vulnerabilities ?? []).some(
    (v) => v.status === 'affected' && !v.suppressed && v.severity !== 'unknown' && atLeast(v.severity, failOn),
  );
  return failing ? EXIT.policy : EXIT.ok;
}

function registryOptions(values: Record<string, unknown>) {
  const username = values.username as string | undefined;
  const password = values.password as string | undefined;
  const insecure = values.insecureRegistries as string[] | undefined;
  return {
    ...(username !== undefined || password !== undefined
      ? { auth: { ...(username ? { username } : {}), ...(password ? { password } : {}) } }
      : {}),
    ...(insecure ? { insecureHosts: insecure } : {}),
  };
}

function ratingMethod(version: string | undefined): 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | undefined {
  switch (version) {
    case '2.0':
      return 'CVSSv2';
    case '3.0':
      return 'CVSSv3';
    case '3.1':
      return 'CVSSv31';
    case '4.0':
      return 'CVSSv4';
    default:
      return undefined;
  }
}

function recordOf(v: Vulnerability) {
  const method = ratingMethod(v.cvss?.version);
  return {
    id: v.id,
    aliases: v.aliases,
    severity: v.severity === 'info' ? ('none' as const) : v.severity,
    ...(v.cvss ? { score: v.cvss.score, vector: v.cvss.vector } : {}),
    ...(method ? { method } : {}),
    description: v.title,
    ...(v.fixedVersion ? { fixedVersion: v.fixedVersion } : {}),
    references: v.references,
    package: { purl: v.package.purl, version: v.package.version, location: v.location },
  };
}

export function imageCommand(io: CliIo): Command {
  const command = new Command('image')
    .description(
      'Scan a container image, root filesystem, project directory or SBOM for vulnerable packages (OSV advisories)',
    )
    .argument(
      '<source>',
      'OCI layout directory, OCI or docker-save archive, root filesystem or project directory, CycloneDX/SPDX SBOM, or a registry reference',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 no affected, unsuppressed vulnerability at or above --fail-on; 1 there is one;
2 usage, config or input error (a digest mismatch; other input errors only with --strict);
3 runtime failure (registry or network).

Load advisories first: palisade db import <all.zip|dir>... (see palisade db --help).

Examples:
  palisade image ./image.tar --fail-on critical
  palisade image registry.example.com/team/app:1.4 --platform linux/arm64 --format sarif --output app.sarif
  palisade image ./service --format json            # lockfiles of a project directory
  palisade image sbom.cdx.json --vex vex.json --ignore-unfixed`,
    );
  addTableOptions(command, IMAGE_OPTIONS);
  command.action(async (source: string) => {
    const { values, config, configFile } = await resolveOptions(command, IMAGE_OPTIONS, io.env, io.cwd);
    const logger = createLogger(values.logLevel as LogLevel);
    const [{ scanImage }, { chunksOf, getFormat }, { writeCycloneDx }] = await Promise.all([
      import('#vulns'),
      import('#report'),
      import('#images'),
    ]);
    const vulnConfig = config?.vulnerabilities;
    const report = await scanImage(source, {
      ...(values.platform ? { platform: values.platform as string } : {}),
      ...(values.database ? { database: values.database as string } : {}),
      ignoreUnfixed: values.ignoreUnfixed === true,
      ...(values.vex ? { vex: values.vex as string[] } : {}),
      ...(vulnConfig?.exemptions ? { exemptions: vulnConfig.exemptions } : {}),
      ...(vulnConfig?.warnAfterDays ? { warnAfterDays: vulnConfig.warnAfterDays } : {}),
      ...(vulnConfig?.failAfterDays ? { failAfterDays: vulnConfig.failAfterDays } : {}),
      ...(configFile ? { configFile } : {}),
      registry: registryOptions(values),
      cache: values.skipLayerCache === true ? false : ((values.layerCacheDir as string | undefined) ?? true),
      logger,
    });
    const output = values.output as string | undefined;
    if (values.format === 'cyclonedx') {
      const bom = writeCycloneDx(
        {
          name: report.subject?.name ?? source,
          kind: report.subject?.type === 'project' || report.subject?.type === 'rootfs' ? 'directory' : 'image',
          ...(report.subject?.digest ? { digest: report.subject.digest } : {}),
          ...(report.os ? { os: report.os } : {}),
          tool: { name: TOOL_NAME, version: TOOL_VERSION },
        },
        report.packages ?? [],
        (report.vulnerabilities ?? []).filter((v) => v.status === 'affected' && !v.suppressed).map(recordOf),
      );
      for (const d of bom.diagnostics) {
        io.stderr(`palisade: ${d.message}\n`);
      }
      await writeOutput(io, output, [bom.value]);
    } else {
      const format = getFormat(values.format as string);
      if (!format) {
        throw new Error(`format ${String(values.format)} is not registered`);
      }
      await writeOutput(
        io,
        output,
        chunksOf(format, report, {
          status: 'fail',
          color: output === undefined && io.stdoutIsTTY && !io.env.NO_COLOR,
          cwd: io.cwd,
          ...(output === undefined && io.stdoutColumns ? { width: io.stdoutColumns } : {}),
        }),
      );
    }
    io.setExitCode(imageExitCode(report, values.failOn as FailOn, values.strict === true));
  });
  return command;
}

export function sbomCommand(io: CliIo): Command {
  const command = new Command('sbom')
    .description('Write the software bill of materials of an image, root filesystem or project directory')
    .argument('<source>', 'OCI layout directory, OCI or docker-save archive, directory, or a registry reference')
    .addOption(
      new Option('--format <format>', 'SBOM format: CycloneDX 1.6 JSON or SPDX 2.3 JSON')
        .choices(['cyclonedx', 'spdx'])
        .default('cyclonedx'),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 written; 2 usage or input error (a digest mismatch; other input errors only with --strict);
3 runtime failure (registry or network).

Examples:
  palisade sbom ./image.tar > image.cdx.json
  palisade sbom registry.example.com/team/app:1.4 --format spdx --output app.spdx.json`,
    );
  addTableOptions(command, SBOM_OPTIONS);
  command.action(async (source: string) => {
    const { values } = await resolveOptions(command, SBOM_OPTIONS, io.env, io.cwd);
    const logger = createLogger(values.logLevel as LogLevel);
    const { collectPackages, writeCycloneDx, writeSpdx } = await import('#images');
    const collected = await collectPackages(source, {
      ...(values.platform ? { platform: values.platform as string } : {}),
      cache: values.skipLayerCache === true ? false : ((values.layerCacheDir as string | undefined) ?? true),
      registry: registryOptions(values),
      logger,
    });
    for (const d of collected.diagnostics) {
      if (d.level !== 'info') {
        io.stderr(`palisade: ${d.level}: ${d.location.file}: ${d.message}\n`);
      }
    }
    const scanned = collected.value;
    const subject: SbomSubject = {
      name: scanned.name,
      kind: scanned.type === 'project' || scanned.type === 'rootfs' ? ('directory' as const) : ('image' as const),
      ...(scanned.image?.manifestDigest ? { digest: scanned.image.manifestDigest } : {}),
      ...(scanned.os ? { os: scanned.os } : {}),
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
    };
    const format = command.opts<{ format: string }>().format;
    const text =
      format === 'spdx' ? writeSpdx(subject, scanned.packages) : writeCycloneDx(subject, scanned.packages).value;
    await writeOutput(io, values.output as string | undefined, [text]);
    const errors = collected.diagnostics.some((d) => d.level === 'error');
    io.setExitCode(values.strict === true && errors ? EXIT.usage : EXIT.ok);
  });
  return command;
}
