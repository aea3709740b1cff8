/**
 * `node bench/image.ts`: the image scan benchmark (docs/benchmarks.md).
 *
 * Builds (once, cached under the temp directory) a real Debian bookworm image: a minbase root
 * filesystem from `mmdebstrap --variant=minbase` as layer 1 and test/helpers/images'
 * second layer (a removal with whiteouts), as an OCI layout with gzip layers. Then, in one process:
 *
 *   - floor: walkLayers — read and decompress every layer and walk its tar entries, nothing else;
 *   - full scan: collectPackages (digests verified, layers applied, OS detected, every analyzer)
 *     + matchPackages against an advisory database + the CycloneDX SBOM with its vulnerabilities.
 *
 * Target: full scan within 1.5x of the floor. The database holds the real OSV records of
 * ../shared/data/osv-records when present (else the test fixtures). Each step runs --runs (5)
 * times after a warm-up; medians are shown. BENCH_STRICT=1 exits 1 on a miss.
 * Options: --runs=N, --rootfs=<dir or tar> (use this root filesystem instead of mmdebstrap).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
  const full = async () => {
    const collected = await collectPackages(oci);
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
    return { packages: packages.length, vulnerabilities: matched.vulnerabilities.length, bomBytes: bom.value.length };
  };
  const walked = await floor();
  const result = await full();
  const floorMs: number[] = [];
  const fullMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await floor();
    floorMs.push(performance.now() - t);
    t = performance.now();
    await full();
    fullMs.push(performance.now() - t);
  }
  const f = median(floorMs);
  const s = median(fullMs);
  const ratio = s / f;
  const size = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as unknown;
  void size;
  console.log(`palisade image benchmark: ${oci}, Node ${process.version}, ${runs} runs`);
  console.log(
    `image: ${walked.layers} layers, ${walked.entries} tar entries, ${(walked.compressedBytes / 2 ** 20).toFixed(1)} MiB compressed, ${(walked.uncompressedBytes / 2 ** 20).toFixed(1)} MiB uncompressed`,
  );
  console.log(
    `database: ${advisories} advisories; found ${result.packages} packages, ${result.vulnerabilities} vulnerabilities, SBOM ${(result.bomBytes / 1024).toFixed(0)} KiB`,
  );
  console.log('');
  console.log(
    `floor (decompress + walk tar entries)   median ${f.toFixed(0)} ms   best ${Math.min(...floorMs).toFixed(0)} ms`,
  );
  console.log(
    `full scan (packages + match + SBOM)     median ${s.toFixed(0)} ms   best ${Math.min(...fullMs).toFixed(0)} ms`,
  );
  console.log(
    `ratio full/floor                        ${ratio.toFixed(2)}   ${ratio <= TARGET ? 'PASS' : 'FAIL'} (<= ${TARGET})`,
  );
  store.close();
  if (ratio > TARGET && process.env.BENCH_STRICT === '1') {
    process.exitCode = 1;
  }
}

await main();
