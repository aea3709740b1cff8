/**
 * `npm run bench`: the scan benchmark (docs/benchmarks.md).
 *
 * Generates a deterministic synthetic cluster export (50,000 objects, about 20,000 workloads) into a
 * temporary directory, twice: as one `kubectl get -o json` List file (the main figure) and as
 * multi-document YAML. For each, in the same process, it measures
 *   - the parse floor: read the file and parse it (JSON.parse; yaml parseAllDocuments + toJS), and
 *   - the scan: scanManifests with every check selected (experimental included), which returns
 *     the typed report (the library API every output and later capability uses), and
 *   - the render: that report written as JSON (failing findings) to /dev/null as the CLI writes
 *     it, against its own floor, JSON.stringify of the same report,
 * each after a warm-up, several times, reporting the median (and best); scan + render is shown too.
 * Each run times the parse floor and the scan back to back, and the ratio is the median of the
 * per-run ratios, which holds steady when other work on the machine comes and goes. Peak memory of one full
 * scan is measured in a child process (process.resourceUsage().maxRSS), so that the parent's
 * generated data and earlier runs do not count.
 *
 * Targets (JSON input): scan within 3x of the parse floor, at least 20,000 objects per second,
 * peak RSS (scan and render) under 1 GiB. The table says PASS or FAIL for each; the exit code is non-zero on a miss
 * only when BENCH_STRICT=1 (timings depend on the machine). For one core: `taskset -c 0 npm run bench`.
 *
 * Options: --objects=N (50000), --runs=N (5), --seed=N, --only=json|yaml, --keep (keep the files),
 * --breakdown (also time the phases of one scan: load, evaluate, exemptions, render).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseAllDocuments, stringify } from 'yaml';
import { buildInventory, loadManifests } from '#inventory';
import { applyExemptions, checkRegistry, evaluate, resolveScan, scanManifests } from '#posture';
import { chunksOf, getFormat } from '#report';
import { generateCluster, toKubectlJson } from './generate.ts';

const TARGET_RATIO = 3;
const TARGET_OBJECTS_PER_SECOND = 20_000;
const TARGET_PEAK_BYTES = 1024 * 1024 * 1024;
/** Fixed "today" so that exemption expiry does not depend on the clock. */
const NOW = new Date('2026-01-01T00:00:00Z');
const MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;

type Format = 'json' | 'yaml';

interface Args {
  readonly objects: number;
  readonly runs: number;
  readonly seed: number;
  readonly only?: Format;
  readonly keep: boolean;
  readonly breakdown: boolean;
  readonly child?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => {
    const prefix = `--${name}=`;
    return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  };
  const only = value('only');
  if (only !== undefined && only !== 'json' && only !== 'yaml') {
    throw new Error(`--only must be json or yaml, not "${only}"`);
  }
  return {
    objects: Number(value('objects') ?? 50_000),
    runs: Math.max(1, Number(value('runs') ?? 5)),
    seed: Number(value('seed') ?? 0x5eed),
    ...(only ? { only } : {}),
    keep: argv.includes('--keep'),
    breakdown: argv.includes('--breakdown'),
    ...(value('child') ? { child: value('child') } : {}),
  };
}

/** A full garbage collection between runs, so that one run does not pay for the previous one's garbage. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => {};
})();

/** Parse floor: the same file read and parsed, nothing else. Returns the number of objects. */
function parseFloor(file: string, format: Format): number {
  const text = readFileSync(file, 'utf8');
  if (format === 'json') {
    const list = JSON.parse(text) as { items: unknown[] };
    return list.items.length;
  }
  let count = 0;
  for (const doc of parseAllDocuments(text)) {
    if (doc.toJS() !== null) {
      count++;
    }
  }
  return count;
}

/** As `palisade scan --format json` runs by default (--status fail: the report carries failing findings). */
const SCAN_OPTIONS = { experimental: true, maxFileBytes: MAX_FILE_BYTES, now: NOW, findings: 'fail' } as const;

interface ScanRun {
  readonly resources: number;
  readonly findings: number;
  readonly failing: number;
  readonly bytes: number;
  /** scanManifests: read, decode, inventory, every check, exemptions: the typed report. */
  readonly scanMs: number;
  /** The JSON report of failing findings written to /dev/null, as the CLI writes it. */
  readonly renderMs: number;
  /** Floor for the render: JSON.stringify of the same report's findings with the same indent. */
  readonly stringifyMs: number;
}

/** One full scan, timed in two parts (scan, then render), plus the render floor. */
async function fullScan(file: string, withFloor = true): Promise<ScanRun> {
  collectGarbage();
  const t0 = performance.now();
  const report = await scanManifests([file], SCAN_OPTIONS);
  const t1 = performance.now();
  const bytes = writeReport(report);
  const t2 = performance.now();
  let stringifyMs = 0;
  if (withFloor) {
    collectGarbage();
    const t3 = performance.now();
    const text = JSON.stringify(report, null, 2);
    stringifyMs = performance.now() - t3;
    if (text.length === 0) {
      throw new Error('empty report');
    }
  }
  return {
    resources: report.summary.resources,
    findings: report.findings.length,
    failing: report.summary.findings.fail + report.summary.findings.error,
    bytes,
    scanMs: t1 - t0,
    renderMs: t2 - t1,
    stringifyMs,
  };
}

/** The JSON report written chunk by chunk to /dev/null, as the CLI writes it; returns its length. */
function writeReport(report: Awaited<ReturnType<typeof scanManifests>>): number {
  const format = getFormat('json');
  if (!format) {
    throw new Error('json format missing');
  }
  const fd = openSync('/dev/null', 'w');
  let bytes = 0;
  try {
    for (const chunk of chunksOf(format, report, { status: 'fail', color: false, cwd: process.cwd() })) {
      bytes += chunk.length;
      writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

async function time<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  collectGarbage();
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Measured {
  readonly format: Format;
  readonly bytes: number;
  readonly objects: number;
  readonly parse: readonly number[];
  readonly runs: readonly ScanRun[];
  readonly peakBytes?: number;
}

async function measure(file: string, format: Format, runs: number): Promise<Measured> {
  // Warm-up: compile the hot paths once before timing.
  parseFloor(file, format);
  await fullScan(file, false);
  const parse: number[] = [];
  const scans: ScanRun[] = [];
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    const floor = await time(() => parseFloor(file, format));
    objects = floor.value;
    parse.push(floor.ms);
    scans.push(await fullScan(file, format === 'json'));
  }
  const peakBytes = peakOfChild(file);
  return {
    format,
    bytes: statSync(file).size,
    objects,
    parse,
    runs: scans,
    ...(peakBytes === undefined ? {} : { peakBytes }),
  };
}

/** Peak resident memory of one full scan, in a fresh child process. */
function peakOfChild(file: string): number | undefined {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, process.argv[1] ?? 'bench/scan.ts', `--child=${file}`],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  if (child.status !== 0) {
    process.stderr.write(`memory child failed (${child.status}): ${child.stderr}\n`);
    return undefined;
  }
  const parsed = JSON.parse(child.stdout) as { maxRssKiB: number };
  return parsed.maxRssKiB * 1024;
}

async function breakdown(file: string): Promise<Record<string, number>> {
  collectGarbage();
  const t0 = performance.now();
  const resolved = resolveScan(SCAN_OPTIONS);
  const loaded = await loadManifests([file], { maxFileBytes: MAX_FILE_BYTES });
  const t1 = performance.now();
  const inventory = buildInventory(loaded.resources);
  const evaluated = evaluate(inventory, resolved.checks, resolved.settings, { retain: SCAN_OPTIONS.findings });
  const t2 = performance.now();
  const exempted = applyExemptions(evaluated.findings, evaluated.resourceOf, {
    exemptions: [],
    annotations: { enabled: true, forbid: { checks: [], namespaces: [] } },
    now: NOW,
    resolveCheck: (key) => checkRegistry.get(key),
  });
  const t3 = performance.now();
  const report = await scanManifests([file], SCAN_OPTIONS);
  const t4 = performance.now();
  writeReport(report);
  const t5 = performance.now();
  if (exempted.findings.length !== evaluated.findings.length) {
    throw new Error('exemptions changed the number of findings');
  }
  return {
    'load (read, decode, toResource)': t1 - t0,
    'evaluate (checks → findings)': t2 - t1,
    exemptions: t3 - t2,
    'render + write JSON (failing findings)': t5 - t4,
  };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'FAIL';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    await fullScan(args.child, false);
    process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-'));
  try {
    const started = performance.now();
    const cluster = generateCluster({ objects: args.objects, seed: args.seed });
    const workloads = Object.entries(cluster.counts)
      .filter(([kind]) => isWorkloadKind(kind))
      .reduce((sum, [, n]) => sum + n, 0);
    const files: Record<Format, string> = { json: join(dir, 'cluster.json'), yaml: join(dir, 'cluster.yaml') };
    if (args.only !== 'yaml') {
      writeFileSync(files.json, toKubectlJson(cluster.items));
    }
    if (args.only !== 'json') {
      writeFileSync(files.yaml, cluster.items.map((item) => `---\n${stringify(item)}`).join(''));
    }
    const cpus = process.env.BENCH_CPUS ?? '';
    console.log(
      `palisade scan benchmark: ${fmt(cluster.items.length)} objects (${fmt(workloads)} workloads), ` +
        `${checkRegistry.items.length} checks, seed ${args.seed}, ${args.runs} runs, Node ${process.version}${cpus ? `, cpus ${cpus}` : ''}`,
    );
    console.log(`generated in ${fmt((performance.now() - started) / 1000, 1)} s into ${dir}`);
    const results: Measured[] = [];
    for (const format of ['json', 'yaml'] as const) {
      if (args.only && args.only !== format) {
        continue;
      }
      // YAML parsing is several times slower; fewer runs keep the benchmark short.
      results.push(await measure(files[format], format, format === 'yaml' ? Math.min(2, args.runs) : args.runs));
    }
    printTable(results);
    if (args.breakdown && args.only !== 'yaml') {
      const phases = await breakdown(files.json);
      console.log('\nphases of one full scan (JSON input):');
      for (const [phase, ms] of Object.entries(phases)) {
        console.log(`  ${phase.padEnd(34)} ${fmt(ms).padStart(7)} ms`);
      }
    }
    const main = results.find((r) => r.format === 'json');
    const failed = main ? targetsMissed(main) : [];
    if (failed.length > 0) {
      console.log(`\ntargets missed: ${failed.join('; ')}`);
      if (process.env.BENCH_STRICT === '1') {
        process.exitCode = 1;
      }
    }
    if (args.keep) {
      console.log(`kept ${dir}`);
    }
  } finally {
    if (!args.keep) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function isWorkloadKind(kind: string): boolean {
  return [
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'Deployment',
    'ReplicaSet',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'CronJob',
    'DeploymentConfig',
  ].includes(kind);
}

interface Figures {
  readonly parse: number;
  readonly scan: number;
  /**
   * Median of the per-run ratios. Each run times the floor and the scan back to back, so a burst
   * of load from elsewhere on the machine slows both sides of one ratio rather than one side of
   * the ratio of two medians.
   */
  readonly ratio: number;
  readonly render: number;
  readonly stringify: number;
  readonly endToEnd: number;
}

function figures(m: Measured): Figures {
  return {
    parse: median(m.parse),
    scan: median(m.runs.map((r) => r.scanMs)),
    ratio: median(m.runs.map((r, i) => r.scanMs / (m.parse[i] ?? Number.NaN))),
    render: median(m.runs.map((r) => r.renderMs)),
    stringify: median(m.runs.map((r) => r.stringifyMs)),
    endToEnd: median(m.runs.map((r) => r.scanMs + r.renderMs)),
  };
}

function targetsMissed(m: Measured): string[] {
  const f = figures(m);
  const missed: string[] = [];
  if (f.ratio > TARGET_RATIO) {
    missed.push(`scan/parse ratio ${fmt(f.ratio, 2)} > ${TARGET_RATIO}`);
  }
  if (m.objects / (f.scan / 1000) < TARGET_OBJECTS_PER_SECOND) {
    missed.push(`${fmt(m.objects / (f.scan / 1000))} objects/s < ${fmt(TARGET_OBJECTS_PER_SECOND)}`);
  }
  if (m.peakBytes === undefined || m.peakBytes >= TARGET_PEAK_BYTES) {
    missed.push(`peak RSS ${m.peakBytes === undefined ? 'unknown' : `${fmt(m.peakBytes / 2 ** 20)} MiB`} >= 1024 MiB`);
  }
  return missed;
}

function printTable(results: readonly Measured[]): void {
  const rows: string[][] = [['input', 'size', 'step', 'median ms', 'best ms', 'objects/s', 'target']];
  for (const m of results) {
    const f = figures(m);
    const main = m.format === 'json';
    const best = (pick: (r: ScanRun) => number): string => fmt(Math.min(...m.runs.map(pick)));
    const perSecond = (ms: number): string => fmt(m.objects / (ms / 1000));
    const first = m.runs[0];
    rows.push([
      main ? 'JSON List' : 'YAML (multi-doc)',
      `${fmt(m.bytes / 2 ** 20)} MiB`,
      'parse floor',
      fmt(f.parse),
      fmt(Math.min(...m.parse)),
      perSecond(f.parse),
      '',
    ]);
    rows.push([
      '',
      '',
      'scan (scanManifests)',
      fmt(f.scan),
      best((r) => r.scanMs),
      perSecond(f.scan),
      main
        ? `${verdict(m.objects / (f.scan / 1000) >= TARGET_OBJECTS_PER_SECOND)} (>= ${fmt(TARGET_OBJECTS_PER_SECOND)}/s)`
        : 'reported only',
    ]);
    rows.push([
      '',
      '',
      'ratio scan/parse',
      fmt(f.ratio, 2),
      fmt(Math.min(...m.runs.map((r, i) => r.scanMs / (m.parse[i] ?? Number.NaN))), 2),
      '',
      main ? `${verdict(f.ratio <= TARGET_RATIO)} (<= ${TARGET_RATIO})` : 'reported only',
    ]);
    rows.push(['', '', 'render JSON report', fmt(f.render), best((r) => r.renderMs), '', 'reported only']);
    if (main) {
      rows.push(['', '', 'JSON.stringify floor', fmt(f.stringify), best((r) => r.stringifyMs), '', '']);
      rows.push(['', '', 'ratio render/stringify', fmt(f.render / f.stringify, 2), '', '', 'reported only']);
    }
    rows.push([
      '',
      '',
      'scan + render',
      fmt(f.endToEnd),
      best((r) => r.scanMs + r.renderMs),
      perSecond(f.endToEnd),
      'reported only',
    ]);
    rows.push(['', '', 'ratio (scan+render)/parse', fmt(f.endToEnd / f.parse, 2), '', '', 'reported only']);
    rows.push([
      '',
      '',
      'peak RSS (child)',
      m.peakBytes === undefined ? 'n/a' : `${fmt(m.peakBytes / 2 ** 20)} MiB`,
      '',
      '',
      main ? `${verdict(m.peakBytes !== undefined && m.peakBytes < TARGET_PEAK_BYTES)} (< 1024 MiB)` : 'reported only',
    ]);
    rows.push([
      '',
      '',
      'result',
      first
        ? `${fmt(first.resources)} resources, ${fmt(first.findings)} findings, ${fmt(first.failing)} failing/error, report ${fmt(first.bytes / 2 ** 20)} MiB`
        : '',
      '',
      '',
      '',
    ]);
  }
  const widths =
    rows[0]?.map((_, i) => Math.max(...rows.map((r) => (i === 3 && r[2] === 'result' ? 0 : (r[i] ?? '').length)))) ??
    [];
  console.log('');
  for (const [index, row] of rows.entries()) {
    const line = row.map((cell, i) =>
      i >= 3 && i <= 5 && row[2] !== 'result' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
    );
    console.log(line.join('  ').trimEnd());
    if (index === 0) {
      console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
  }
}

await main();
