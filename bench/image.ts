/**
 * `node bench/image.ts`: the image scan benchmark (docs/benchmarks.md).
 *
 * Builds (once, cached under the temp directory) a real Debian bookworm image: a minbase root
 * filesystem from `mmdebstrap --variant=minbase` as layer 1 and test/helpers/images'
 * second layer (a removal with whiteouts), as an OCI layout with gzip layers. Then, in one process:
 *
 *   - floor: walkLayers — read and decompress every layer and walk its tar entries, nothing else;
 *   - full scan: collectPackages (digests verified, layers applied, OS detected, every analyzer)
 *     + matchPackages against an advisory database + the CycloneDX SBOM with its vulnerabilities,
 *     as a first scan: the layer cache starts empty (a new directory each run) and is written;
 *   - the same without the layer cache (`cache: false`), for reference;
 *   - rescan: the same full scan again with the layer cache filled (no layer is decompressed; the
 *     blobs are still hashed).
 *
 * Target: full scan within 1.5x of the floor. The database holds the real OSV records of
 * ../shared/data/osv-records when present (else the test fixtures). Each step runs --runs (5)
 * times after a warm-up, interleaved so that machine noise hits every step alike; medians and best
 * times are shown. BENCH_STRICT=1 exits 1 on a miss.
 * Options: --runs=N, --rootfs=<dir or tar> (use this root filesystem instead of mmdebstrap).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPackages, walkLayers, writeCycloneDx } from '#images';
import { AdvisoryStore, importAdvisories, matchPackages } from '#vulns';

const TARGET = 1.5;
const ROOT = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(arg('runs') ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function buildImage(): string {
  const cache = join(tmpdir(), 'palisade-bench-image');
  const oci = join(cache, 'img', 'oci');
  if (existsSync(join(cache, 'done'))) {
    return oci;
  }
  mkdirSync(cache, { recursive: true });
  let rootfs = arg('rootfs');
  if (!rootfs) {
    rootfs = join(cache, 'rootfs.tar');
    if (!existsSync(rootfs)) {
      if (spawnSync('sh', ['-c', 'command -v mmdebstrap'], { stdio: 'ignore' }).status !== 0) {
        throw new Error('mmdebstrap is not installed (apt-get install mmdebstrap), or pass --rootfs=<dir|tar>');
      }
      console.log('building a Debian bookworm minbase root filesystem with mmdebstrap (about a minute)...');
      execFileSync('mmdebstrap', ['--variant=minbase', '--quiet', 'bookworm', rootfs], { stdio: 'inherit' });
    }
  }
  execFileSync('bash', [join(ROOT, 'test/helpers/images/build-test-image.sh'), join(cache, 'img'), rootfs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync('touch', [join(cache, 'done')]);
  return oci;
}

async function main(): Promise<void> {
  const oci = buildImage();
  const store = AdvisoryStore.open({ path: ':memory:' });
  const shared = join(ROOT, '../shared/data/osv-records');
  const inputs = existsSync(shared) ? [shared] : [join(ROOT, 'test/fixtures/vulns/scan/advisories')];
  await importAdvisories(store, inputs);
  const advisories = store.status().advisories;

  const floor = async () => walkLayers(oci);
  const scan = async (cache: boolean | string) => {
    const collected = await collectPackages(oci, { cache });
    const { packages, os } = collected.value;
    const matched = matchPackages(packages, os, store);
    const bom = writeCycloneDx(
      { name: oci, ...(os ? { os } : {}), tool: { name: 'palisade', version: 'bench' } },
      packages,
      matched.vulnerabilities
        .filter((v) => v.status === 'affected')
        .map((v) => ({
          id: v.id,
          package: { purl: v.package.purl, version: v.package.version, location: v.location },
        })),
    );
    return {
      packages: packages.length,
      vulnerabilities: matched.vulnerabilities.length,
      bomBytes: bom.value.length,
      decompressions: collected.value.layerReads?.decompressions ?? 0,
      owned: collected.value.ownedFilesSkipped ?? 0,
    };
  };
  const caches = mkdtempSync(join(tmpdir(), 'palisade-bench-layers-'));
  let fresh = 0;
  const full = async () => {
    const dir = join(caches, `cold-${fresh++}`);
    try {
      return await scan(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const warmCache = join(caches, 'warm');
  const uncached = async () => scan(false);
  const rescan = async () => scan(warmCache);
  const walked = await floor();
  const result = await full();
  await uncached();
  await rescan();
  const again = await rescan();
  const steps = { floor, full, uncached, rescan };
  const times: Record<keyof typeof steps, number[]> = { floor: [], full: [], uncached: [], rescan: [] };
  for (let i = 0; i < runs; i++) {
    for (const [name, step] of Object.entries(steps) as [keyof typeof steps, () => Promise<unknown>][]) {
      const t = performance.now();
      await step();
      times[name].push(performance.now() - t);
    }
  }
  rmSync(caches, { recursive: true, force: true });
  const f = median(times.floor);
  const s = median(times.full);
  const ratio = s / f;
  const best = (name: keyof typeof steps): string =>
    Math.min(...times[name])
      .toFixed(0)
      .padStart(5);
  const med = (name: keyof typeof steps): string => median(times[name]).toFixed(0).padStart(5);
  console.log(`palisade image benchmark: ${oci}, Node ${process.version}, ${runs} runs`);
  console.log(
    `image: ${walked.layers} layers, ${walked.entries} tar entries, ${(walked.compressedBytes / 2 ** 20).toFixed(1)} MiB compressed, ${(walked.uncompressedBytes / 2 ** 20).toFixed(1)} MiB uncompressed`,
  );
  console.log(
    `database: ${advisories} advisories; found ${result.packages} packages, ${result.vulnerabilities} vulnerabilities, SBOM ${(result.bomBytes / 1024).toFixed(0)} KiB; ${result.owned} files owned by OS packages not analyzed as language packages`,
  );
  console.log('');
  console.log('step                                             median ms  best ms');
  console.log(`floor (decompress + walk tar entries)                ${med('floor')}    ${best('floor')}`);
  console.log(`full scan, first (packages + match + SBOM)           ${med('full')}    ${best('full')}`);
  console.log(`full scan, layer cache off                           ${med('uncached')}    ${best('uncached')}`);
  console.log(
    `rescan, layer cache filled (${again.decompressions} layers decompressed)      ${med('rescan')}    ${best('rescan')}`,
  );
  console.log(
    `ratio full/floor                                      ${ratio.toFixed(2)}   ${ratio <= TARGET ? 'PASS' : 'FAIL'} (<= ${TARGET}); best/best ${(Math.min(...times.full) / Math.min(...times.floor)).toFixed(2)}`,
  );
  store.close();
  if (ratio > TARGET && process.env.BENCH_STRICT === '1') {
    process.exitCode = 1;
  }
}

await main();
