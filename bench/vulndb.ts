/**
 * `node bench/vulndb.ts`: the advisory database benchmark.
 *
 * Builds a synthetic OSV database of --records (200,000) records derived in memory from the
 * structure of the real records in /work/shared/data/osv-records (or the test fixtures when that
 * is absent): each record takes the shape of one real record (its ecosystems with releases, range
 * types, events, versions lists, severity, field set) with a new id, new package names drawn from
 * a pool per ecosystem (so that packages have several advisories, as in real feeds), and generated
 * text and URLs of the same lengths. The records are written to an OSV-style `all.zip` (deflated
 * entries, ZIP64) in a temporary directory, then, in the same process:
 *
 *   - import floor: JSON.parse of every record's text (in memory);
 *   - import: importAdvisories() of the zip into a fresh database file (yauzl, inflate, JSON.parse,
 *     zod validation, SQLite writes, index rows); target >= 5,000 records/s;
 *   - lookup floor: a plain Map from key to advisory ids, built in memory, probed with the keys;
 *   - lookups of --packages (10,000) keys (70% names that exist, ecosystems with releases for
 *     the distributions, PyPI names in other spellings, 30% misses) on the reopened file:
 *     lookupIds (index only) and lookupMany (records read and JSON-parsed, one cache per run);
 *     target < 1 s for the lookup phase.
 *
 * Lookups run --runs (5) times after a warm-up; the median is shown. Exit code is non-zero on a
 * missed target only when BENCH_STRICT=1. Options: --records=N, --packages=N, --runs=N, --seed=N,
 * --journal=WAL|OFF (journal mode of the database file during the import), --keep.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { importAdvisories } from '../src/vulns/db/import.ts';
import { normalizePackageName, parseAdvisory, splitEcosystem } from '../src/vulns/db/osv.ts';
import { AdvisoryCache, AdvisoryStore, type LookupKey } from '../src/vulns/db/store.ts';
import { ZipWriter } from '../src/vulns/db/zip-writer.ts';
import { matchAffected, type OsvAffected } from '../src/vulns/match.ts';
import { schemeFor } from '../src/vulns/versioning/index.ts';

const DATA = '/work/shared/data/osv-records';
const FIXTURES = new URL('../test/fixtures/vulns/osv/', import.meta.url).pathname;
const TARGET_IMPORT_PER_SECOND = 5_000;
const TARGET_LOOKUP_MS = 1_000;
const NAME_POOL = 40_000;

interface Args {
  readonly records: number;
  readonly packages: number;
  readonly runs: number;
  readonly seed: number;
  readonly journal: 'WAL' | 'OFF';
  readonly keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const int = (name: string, fallback: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`--${name} must be a positive integer, got ${text}`);
    }
    return n;
  };
  const journal = value('journal') ?? 'WAL';
  if (journal !== 'WAL' && journal !== 'OFF') {
    throw new Error(`--journal must be WAL or OFF, got ${journal}`);
  }
  return {
    records: int('records', 200_000),
    packages: int('packages', 10_000),
    runs: int('runs', 5),
    seed: int('seed', 42),
    journal,
    keep: argv.includes('--keep'),
  };
}

/** Deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real records that validate, used as shapes only. */
function loadTemplates(): Record<string, unknown>[] {
  const root = statSync(DATA, { throwIfNoEntry: false })?.isDirectory() ? DATA : FIXTURES;
  const out: Record<string, unknown>[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (/\.(json|ya?ml)$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        const value: unknown = entry.name.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
        const parsed = parseAdvisory(value);
        if (parsed.ok && !parsed.advisory.withdrawn && parsed.advisory.affected?.some((a) => a.package)) {
          out.push(value as Record<string, unknown>);
        }
      }
    }
  };
  walk(root);
  console.log(`templates: ${out.length} real records from ${root}`);
  return out;
}

const WORDS = [
  'buffer',
  'overflow',
  'request',
  'parser',
  'crafted',
  'remote',
  'attacker',
  'denial',
  'service',
  'input',
];

function text(length: number, rnd: () => number): string {
  let out = '';
  while (out.length < length) {
    out += `${WORDS[Math.floor(rnd() * WORDS.length)]} `;
  }
  return out.slice(0, length);
}

function packageName(base: string, k: number): string {
  switch (base) {
    case 'Go':
      return `example.com/bench/module${k}`;
    case 'Maven':
      return `org.example.bench:artifact-${k}`;
    case 'npm':
      return k % 5 === 0 ? `@bench/pkg-${k}` : `bench-pkg-${k}`;
    case 'PyPI':
      return `Bench_Pkg.${k}`;
    default:
      return `benchpkg${k}`;
  }
}

/** One synthetic record in the shape of `template`. */
function derive(template: Record<string, unknown>, index: number, rnd: () => number): Record<string, unknown> {
  const record = structuredClone(template);
  const id = `OSV-BENCH-${index}`;
  record.id = id;
  record.modified = new Date(Date.UTC(2020, 0, 1) + index * 60_000).toISOString();
  if (typeof record.summary === 'string') {
    record.summary = text(record.summary.length, rnd);
  }
  if (typeof record.details === 'string') {
    record.details = text(record.details.length, rnd);
  }
  if (Array.isArray(record.aliases)) {
    record.aliases = record.aliases.map((_, n) => `CVE-2099-${index}${n}`);
  }
  if (Array.isArray(record.references)) {
    record.references = (record.references as { type?: string }[]).map((ref, n) => ({
      type: ref.type ?? 'WEB',
      url: `https://example.com/advisories/${id}/${n}`,
    }));
  }
  delete record.credits;
  for (const affected of (record.affected as { package?: { ecosystem: string; name: string; purl?: string } }[]) ??
    []) {
    if (affected.package) {
      const base = splitEcosystem(affected.package.ecosystem).base;
      affected.package.name = packageName(base, Math.floor(rnd() * NAME_POOL));
      delete affected.package.purl;
    }
  }
  return record;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rnd = random(args.seed);
  const templates = loadTemplates();
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-vulndb-'));
  try {
    // Generate, keep the texts for the floor, write the zip, and the in-memory index for the Map floor.
    const zipPath = join(dir, 'all.zip');
    const zip = new ZipWriter(zipPath);
    const texts: string[] = [];
    const memoryIndex = new Map<string, string[]>();
    const existing: LookupKey[] = [];
    let bytes = 0;
    for (let i = 0; i < args.records; i++) {
      const record = derive(templates[i % templates.length]!, i, rnd);
      const json = JSON.stringify(record);
      bytes += json.length;
      texts.push(json);
      zip.add(`OSV-BENCH-${i}.json`, json);
      for (const affected of (record.affected as { package?: { ecosystem: string; name: string } }[]) ?? []) {
        if (affected.package) {
          const { base, release } = splitEcosystem(affected.package.ecosystem);
          const key = `${base}\0${release}\0${normalizePackageName(base, affected.package.name)}`;
          const list = memoryIndex.get(key);
          if (list) {
            list.push(record.id as string);
          } else {
            memoryIndex.set(key, [record.id as string]);
            existing.push({ ecosystem: affected.package.ecosystem, name: affected.package.name });
          }
        }
      }
    }
    zip.close();
    console.log(
      `generated ${args.records} records (${(bytes / 1e6).toFixed(0)} MB JSON, zip ${(statSync(zipPath).size / 1e6).toFixed(0)} MB), ${memoryIndex.size} distinct (ecosystem, package) keys`,
    );

    // Import floor and import.
    const [, parseMs] = time(() => {
      let n = 0;
      for (const t of texts) {
        n += (JSON.parse(t) as { id: string }).id.length;
      }
      return n;
    });
    texts.length = 0;
    const dbPath = join(dir, 'vulndb.sqlite');
    const store = AdvisoryStore.open({ path: dbPath, journalMode: args.journal });
    const importStart = performance.now();
    const result = await importAdvisories(store, [zipPath]);
    const importMs = performance.now() - importStart;
    store.close();
    if (result.diagnostics.length > 0 || result.value.imported !== args.records) {
      throw new Error(
        `import: ${result.value.imported} of ${args.records} imported, ${result.diagnostics.length} diagnostics: ${result.diagnostics[0]?.message}`,
      );
    }
    const importRate = args.records / (importMs / 1000);

    // Lookup keys: 70% existing (distribution ecosystems keep their release; PyPI names respelled), 30% misses.
    const keys: LookupKey[] = [];
    for (let i = 0; i < args.packages; i++) {
      if (rnd() < 0.7) {
        const key = existing[Math.floor(rnd() * existing.length)]!;
        const base = splitEcosystem(key.ecosystem).base;
        keys.push(base === 'PyPI' ? { ecosystem: key.ecosystem, name: key.name.toLowerCase() } : key);
      } else {
        keys.push({ ecosystem: 'npm', name: `absent-package-${i}` });
      }
    }
    const mapLookup = () => {
      let found = 0;
      for (const key of keys) {
        const { base, release } = splitEcosystem(key.ecosystem);
        found += memoryIndex.get(`${base}\0${release}\0${normalizePackageName(base, key.name)}`)?.length ?? 0;
      }
      return found;
    };
    const reopened = AdvisoryStore.open({ path: dbPath });
    const floorRuns: number[] = [];
    const idRuns: number[] = [];
    const fullRuns: number[] = [];
    let idCount = 0;
    let advisoryCount = 0;
    for (let run = 0; run <= args.runs; run++) {
      const [, floor] = time(mapLookup);
      const [ids, idMs] = time(() => reopened.lookupIds(keys));
      const [lists, fullMs] = time(() => reopened.lookupMany(keys, { cache: new AdvisoryCache() }));
      idCount = ids.reduce((n, l) => n + l.length, 0);
      advisoryCount = new Set(lists.flat()).size;
      if (run > 0) {
        floorRuns.push(floor);
        idRuns.push(idMs);
        fullRuns.push(fullMs);
      }
    }
    // Matching: the lookups plus the OSV range walk of every applicable affected entry with the
    // package's version scheme. Each package's version is an event version of its first advisory
    // (so that comparisons are real, at a boundary), or 1.0.0 for misses. As matchPackages does, only
    // the affected entries that name the package (ecosystem and normalised name) are walked.
    const versions = keys.map((key) => {
      const advisory = reopened.lookup(key.ecosystem, key.name)[0];
      const event = advisory?.affected?.flatMap((a) => a.ranges ?? []).flatMap((r) => r.events)[1];
      const value = event ? Object.values(event)[0] : undefined;
      return typeof value === 'string' ? value : '1.0.0';
    });
    const matchRuns: number[] = [];
    let matched = 0;
    for (let run = 0; run <= args.runs; run++) {
      const [count, ms] = time(() => {
        const lists = reopened.lookupMany(keys, { cache: new AdvisoryCache() });
        let affected = 0;
        for (const [index, key] of keys.entries()) {
          const scheme = schemeFor(key.ecosystem);
          if (!scheme) {
            continue;
          }
          const wanted = splitEcosystem(key.ecosystem).base;
          for (const advisory of lists[index] ?? []) {
            for (const entry of advisory.affected ?? []) {
              if (
                entry.package &&
                splitEcosystem(entry.package.ecosystem).base === wanted &&
                normalizePackageName(wanted, entry.package.name) === normalizePackageName(wanted, key.name)
              ) {
                if (matchAffected(versions[index] ?? '1.0.0', entry as OsvAffected, scheme).kind === 'affected') {
                  affected++;
                }
              }
            }
          }
        }
        return affected;
      });
      matched = count;
      if (run > 0) {
        matchRuns.push(ms);
      }
    }
    reopened.close();

    const floorMs = median(floorRuns);
    const idMs = median(idRuns);
    const fullMs = median(fullRuns);
    const row = (name: string, value: string, ratio: string, target: string) =>
      console.log(`${name.padEnd(44)} ${value.padStart(14)} ${ratio.padStart(12)}  ${target}`);
    const ok = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
    console.log();
    row('phase', 'time', 'vs floor', 'target');
    row('import floor: JSON.parse of the records', `${(parseMs / 1000).toFixed(2)} s`, '1.0x', '');
    row(
      `import from all.zip (journal ${args.journal})`,
      `${(importMs / 1000).toFixed(2)} s`,
      `${(importMs / parseMs).toFixed(1)}x`,
      `${Math.round(importRate)} records/s (>= ${TARGET_IMPORT_PER_SECOND}) ${ok(importRate >= TARGET_IMPORT_PER_SECOND)}`,
    );
    row(`lookup floor: Map of ${args.packages} keys`, `${floorMs.toFixed(2)} ms`, '1.0x', '');
    row(
      'lookupIds (index only)',
      `${idMs.toFixed(1)} ms`,
      `${(idMs / floorMs).toFixed(0)}x`,
      `< ${TARGET_LOOKUP_MS} ms ${ok(idMs < TARGET_LOOKUP_MS)}`,
    );
    row(
      'lookupMany (records read + JSON.parse)',
      `${fullMs.toFixed(1)} ms`,
      `${(fullMs / floorMs).toFixed(0)}x`,
      `< ${TARGET_LOOKUP_MS} ms ${ok(fullMs < TARGET_LOOKUP_MS)}`,
    );
    const matchMs = median(matchRuns);
    row(
      `match ${args.packages} packages (lookup + range walk)`,
      `${matchMs.toFixed(1)} ms`,
      `${(matchMs / floorMs).toFixed(0)}x`,
      `< ${TARGET_LOOKUP_MS} ms ${ok(matchMs < TARGET_LOOKUP_MS)}`,
    );
    console.log(`${matched} affected (package, entry) pairs`);
    console.log(
      `\n${idCount} (key, advisory) hits, ${advisoryCount} distinct advisories parsed; database file ${(statSync(dbPath).size / 1e6).toFixed(0)} MB`,
    );
    const pass =
      importRate >= TARGET_IMPORT_PER_SECOND &&
      idMs < TARGET_LOOKUP_MS &&
      fullMs < TARGET_LOOKUP_MS &&
      matchMs < TARGET_LOOKUP_MS;
    if (!pass && process.env.BENCH_STRICT === '1') {
      process.exitCode = 1;
    }
  } finally {
    if (args.keep) {
      console.log(`kept ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
