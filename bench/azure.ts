/**
 * `npm run bench:azure`: the Azure and ARO posture benchmark (docs/benchmarks.md).
 *
 * Generates a deterministic estate into a temporary directory: an `az graph query` export of
 * 100,000 Azure resources (bench/generate-azure.ts) and a 20,000-object OpenShift cluster export
 * (`oc get -o json` List: workloads, RBAC, network objects, plus the cluster configuration objects
 * and the ARO cluster it belongs to). In the same process it measures, each after a warm-up,
 * several times:
 *   - the parse floor: both files read and JSON-parsed, nothing else;
 *   - the full scan: scanManifests over both files with every check (experimental included),
 *     which detects each file's kind by content, links the cluster objects to the ARO resource and
 *     computes the secure score.
 * The ratio is the median of the per-run ratios. Target: the full scan within 3x of the parse floor.
 * The exit code is non-zero on a miss only when BENCH_STRICT=1 (timings depend on the machine).
 *
 * Options: --resources=N (100000), --objects=N (20000), --runs=N (5), --seed=N, --keep.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkRegistry, scanManifests } from '#posture';
import { generateCluster, toKubectlJson } from './generate.ts';
import { generateAzure, openshiftConfigObjects, toGraphQueryJson } from './generate-azure.ts';

const TARGET_RATIO = 3;
const NOW = new Date('2026-01-01T00:00:00Z');
const MAX_FILE_BYTES = 4 * 1024 * 1024 * 1024;
const SCAN_OPTIONS = { experimental: true, maxFileBytes: MAX_FILE_BYTES, now: NOW, findings: 'fail' } as const;

function arg(name: string, fallback: number): number {
  const prefix = `--${name}=`;
  const value = process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  return value === undefined ? fallback : Number(value);
}

const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => {};
})();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Parse floor: both files read and parsed; returns the number of objects. */
function parseFloor(files: readonly string[]): number {
  let objects = 0;
  for (const file of files) {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { items?: unknown[]; data?: unknown[] };
    objects += (value.items ?? value.data ?? []).length;
  }
  return objects;
}

async function main(): Promise<void> {
  const resources = arg('resources', 100_000);
  const objects = arg('objects', 20_000);
  const runs = Math.max(1, arg('runs', 5));
  const seed = arg('seed', 0xa2e);
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-azure-'));
  try {
    const started = performance.now();
    const azure = generateAzure({ resources, seed });
    const cluster = generateCluster({ objects: objects - 6, seed });
    const files = [join(dir, 'azure-graph.json'), join(dir, 'openshift.json')];
    writeFileSync(files[0] as string, toGraphQueryJson(azure.rows));
    writeFileSync(files[1] as string, toKubectlJson([...openshiftConfigObjects(azure.aroApiHost), ...cluster.items]));
    const azureChecks = checkRegistry.items.filter((c) => /^PAL-(AZR|ARO)-/.test(c.meta.id)).length;
    console.log(
      `palisade Azure benchmark: ${fmt(azure.rows.length)} Azure resources (az graph query) + ${fmt(objects)} OpenShift objects (oc get -o json), ` +
        `${checkRegistry.items.length} checks (${azureChecks} Azure/ARO), ${runs} runs, Node ${process.version}`,
    );
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    console.log(
      `generated ${fmt(bytes / 1024 / 1024)} MiB in ${fmt((performance.now() - started) / 1000, 1)} s into ${dir}`,
    );
    // Warm-up.
    parseFloor(files);
    await scanManifests(files, SCAN_OPTIONS);
    const floors: number[] = [];
    const scans: number[] = [];
    const ratios: number[] = [];
    let summary = '';
    for (let i = 0; i < runs; i++) {
      collectGarbage();
      const t0 = performance.now();
      const count = parseFloor(files);
      const floor = performance.now() - t0;
      collectGarbage();
      const t1 = performance.now();
      const report = await scanManifests(files, SCAN_OPTIONS);
      const scan = performance.now() - t1;
      floors.push(floor);
      scans.push(scan);
      ratios.push(scan / floor);
      const s = report.summary;
      summary =
        `${fmt(count)} objects parsed; ${fmt(s.resources)} resources, ${fmt(s.findings.fail)} failing, ` +
        `${fmt(s.findings.pass)} passing, ${fmt(s.findings.indeterminate)} indeterminate findings; ` +
        `secure score ${report.score?.total.current ?? 0} of ${report.score?.total.max ?? 0} (${report.score?.total.percent ?? 0}%), ` +
        `${report.score?.subscriptions.length ?? 0} subscriptions, clusters: ${(report.clusters ?? []).map((c) => `${c.name} (${c.objects} objects${c.linkedBy ? `, linked by ${c.linkedBy}` : ''})`).join(', ')}`;
    }
    const ratio = median(ratios);
    const rows: [string, string, string, string][] = [
      ['parse floor (read + JSON.parse)', fmt(median(floors)), fmt(Math.min(...floors)), ''],
      [
        'full scan (scanManifests)',
        fmt(median(scans)),
        fmt(Math.min(...scans)),
        `${fmt((resources + objects) / (median(scans) / 1000))} objects/s`,
      ],
      [
        'ratio scan/parse (median of runs)',
        fmt(ratio, 2),
        fmt(Math.min(...ratios), 2),
        ratio <= TARGET_RATIO ? `PASS (<= ${TARGET_RATIO})` : `FAIL (> ${TARGET_RATIO})`,
      ],
    ];
    console.log(`\n${'step'.padEnd(36)}${'median ms'.padStart(11)}${'best ms'.padStart(10)}  target`);
    for (const [step, med, best, note] of rows) {
      console.log(`${step.padEnd(36)}${med.padStart(11)}${best.padStart(10)}  ${note}`);
    }
    console.log(`\n${summary}`);
    if (ratio > TARGET_RATIO && process.env.BENCH_STRICT === '1') {
      process.exitCode = 1;
    }
    if (keep) {
      console.log(`kept ${dir}`);
    }
  } finally {
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
