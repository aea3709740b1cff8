/**
 * `palisade db import|update|status|push|pull`: the vulnerability database. Thin: each
 * subcommand maps flags to the vulns library and prints what it did.
 */
import { Command, Option } from 'commander';
import { defaultDatabasePath } from '#vulns';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

interface DbFlags {
  readonly db?: string;
  readonly format?: string;
  readonly baseUrl?: string;
  readonly ecosystem?: string[];
  readonly username?: string;
  readonly password?: string;
  readonly insecureRegistry?: string[];
}

function dbPath(io: CliIo, flags: DbFlags): string {
  return flags.db ?? io.env.PALISADE_DB ?? defaultDatabasePath(io.env);
}

function dbOption(): Option {
  return new Option(
    '--db <file>',
    'database file [env: PALISADE_DB] (default: $XDG_CACHE_HOME/palisade/vulndb.sqlite)',
  );
}

function registryOptions(command: Command): Command {
  return command
    .addOption(new Option('--username <user>', 'registry user name [env: PALISADE_REGISTRY_USERNAME]'))
    .addOption(new Option('--password <password>', 'registry password or token [env: PALISADE_REGISTRY_PASSWORD]'))
    .addOption(
      new Option('--insecure-registry <host>', 'registry host reached over plain HTTP (repeatable)').argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      ),
    );
}

function clientOptions(io: CliIo, flags: DbFlags) {
  const username = flags.username ?? io.env.PALISADE_REGISTRY_USERNAME;
  const password = flags.password ?? io.env.PALISADE_REGISTRY_PASSWORD;
  return {
    ...(username || password ? { auth: { ...(username ? { username } : {}), ...(password ? { password } : {}) } } : {}),
    ...(flags.insecureRegistry ? { insecureHosts: flags.insecureRegistry } : {}),
  };
}

function printDiagnostics(
  io: CliIo,
  diagnostics: readonly { level: string; message: string; location: { file: string } }[],
): number {
  let errors = 0;
  for (const d of diagnostics) {
    if (d.level === 'error') {
      errors++;
    }
    if (d.level !== 'info') {
      io.stderr(`palisade: ${d.level}: ${d.location.file}: ${d.message}\n`);
    }
  }
  return errors;
}

export function dbCommand(io: CliIo): Command {
  const db = new Command('db').description('Manage the vulnerability database (OSV advisories in one SQLite file)');

  db.addCommand(
    new Command('import')
      .description('Import OSV advisories: all.zip exports, directories of OSV JSON or YAML, or single files')
      .argument('<inputs...>', 'zip files, directories or files')
      .addOption(dbOption())
      .addHelpText('after', '\nExit codes: 0 imported; 2 some records or inputs were invalid (the rest was imported).')
      .action(async (inputs: string[], flags: DbFlags) => {
        const { AdvisoryStore, importAdvisories } = await import('#vulns');
        const store = AdvisoryStore.open({ path: dbPath(io, flags) });
        try {
          const result = await importAdvisories(store, inputs);
          const errors = printDiagnostics(io, result.diagnostics);
          const { imported, skipped, invalid } = result.value;
          await io.stdout(
            `imported ${imported} advisories (${skipped} older copies skipped, ${invalid} invalid) into ${store.status().path}\n`,
          );
          io.setExitCode(errors > 0 ? EXIT.usage : EXIT.ok);
        } finally {
          store.close();
        }
      }),
  );

  db.addCommand(
    new Command('update')
      .description('Download the OSV exports (<base-url>/<ecosystem>/all.zip) and import them')
      .addOption(dbOption())
      .addOption(new Option('--base-url <url>', 'where the exports are [env: PALISADE_OSV_BASE_URL]'))
      .addOption(
        new Option(
          '--ecosystem <name>',
          'ecosystem to fetch (repeatable; default: every ecosystem Palisade scans)',
        ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
      )
      .addHelpText('after', '\nExit codes: 0 updated; 3 a download failed (the others were imported).')
      .action(async (flags: DbFlags) => {
        const { AdvisoryStore, updateDatabase } = await import('#vulns');
        const store = AdvisoryStore.open({ path: dbPath(io, flags) });
        try {
          const baseUrl = flags.baseUrl ?? io.env.PALISADE_OSV_BASE_URL;
          const result = await updateDatabase(store, {
            ...(baseUrl ? { baseUrl } : {}),
            ...(flags.ecosystem ? { ecosystems: flags.ecosystem } : {}),
          });
          const failed = result.diagnostics.filter((d) => d.code === 'vulndb.download-failed').length;
          printDiagnostics(io, result.diagnostics);
          const imported = result.value.reduce((sum, r) => sum + r.imported, 0);
          await io.stdout(
            `imported ${imported} advisories from ${result.value.length} exports into ${store.status().path}\n`,
          );
          io.setExitCode(failed > 0 ? EXIT.runtime : EXIT.ok);
        } finally {
          store.close();
        }
      }),
  );

  db.addCommand(
    new Command('status')
      .description('Show the database: sources, record counts per ecosystem, and age')
      .addOption(dbOption())
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(async (flags: DbFlags) => {
        const { AdvisoryStore } = await import('#vulns');
        const store = AdvisoryStore.open({ path: dbPath(io, flags) });
        try {
          const status = store.status();
          if (flags.format === 'json') {
            await io.stdout(`${JSON.stringify(status, null, 2)}\n`);
            return;
          }
          const lines = [
            `database   ${status.path}`,
            `advisories ${status.advisories} (${status.withdrawn} withdrawn)`,
            `last import ${status.lastImport ? status.lastImport.toISOString() : 'never'}`,
            '',
            'sources:',
            ...status.sources.map(
              (s) =>
                `  ${s.name}  ${s.current} current of ${s.records} records, imported ${s.importedAt.toISOString()} (${(s.ageMs / 86_400_000).toFixed(1)} days ago)`,
            ),
            '',
            'ecosystems:',
            ...status.ecosystems.map(
              (e) =>
                `  ${e.ecosystem.padEnd(16)} ${String(e.advisories).padStart(8)} advisories  ${e.packages} packages`,
            ),
          ];
          await io.stdout(`${lines.join('\n')}\n`);
        } finally {
          store.close();
        }
      }),
  );

  db.addCommand(
    registryOptions(
      new Command('push')
        .description('Push the database to a registry as an OCI artifact (mirror it into ACR for air-gapped clusters)')
        .argument('<reference>', 'registry reference, e.g. myregistry.azurecr.io/palisade/vulndb:latest')
        .addOption(dbOption()),
    ).action(async (reference: string, flags: DbFlags) => {
      const { pushDatabase } = await import('#vulns');
      const result = await pushDatabase(dbPath(io, flags), reference, clientOptions(io, flags));
      await io.stdout(`pushed ${dbPath(io, flags)} to ${reference} (${result.manifestDigest})\n`);
    }),
  );

  db.addCommand(
    registryOptions(
      new Command('pull')
        .description('Pull a database pushed with "palisade db push" and put it in place')
        .argument('<reference>', 'registry reference')
        .addOption(dbOption()),
    ).action(async (reference: string, flags: DbFlags) => {
      const { pullDatabase } = await import('#vulns');
      const result = await pullDatabase(reference, dbPath(io, flags), clientOptions(io, flags));
      await io.stdout(
        `pulled ${reference} (${result.manifestDigest}, ${result.size} bytes) into ${dbPath(io, flags)}\n`,
      );
    }),
  );
  return db;
}
