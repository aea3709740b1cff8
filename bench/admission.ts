/**
 * The admission webhook benchmark of issue #5. In one run, for two HTTPS servers on 127.0.0.1,
 * each in its own process (pinned to CPU 0 with taskset when it is available):
 * - the webhook: `palisade admission serve` with every built-in policy enabled (enforce
 *   `restricted`, warn and audit `palisade`: every admission-capable check, with the image gate's
 *   registry allow-list and digest rule), answering a typical Deployment CREATE review (two
 *   containers, probes, resources, volumes; allowed, with warnings);
 * - the floor: a bare Node HTTPS server (bench/admission-bare.ts) that reads the body and answers
 *   a constant AdmissionReview;
 * The load tool is hey (Debian package `hey`), pinned to CPU 1, in its own processes: 1,000
 * requests/s as 8 paced clients of 125 requests/s each (one keep-alive connection each, started
 * 1 ms apart so that arrivals spread over the second), then 8 connections as fast as they go.
 * Percentiles are computed exactly from hey's per-request CSV (0.1 ms resolution; hey's own
 * client time is included, for both servers alike). Rounds alternate floor and webhook; the
 * summary is the median over rounds.
 * Targets: p99 under 5 ms at 1,000 req/s on one core, and p99 within 2x of the bare server's.
 * Run: node bench/admission.ts [seconds per run, default 10] [rounds, default 5]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeServingCerts } from '../test/helpers/tls.ts';

const seconds = Math.max(2, Number(process.argv[2] ?? 10));
const rounds = Math.max(1, Number(process.argv[3] ?? 5));
const RATE = 1000;
const CONNECTIONS = 8;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
if (spawnSync('hey', ['-n', '0']).error) {
  console.error('bench/admission.ts needs the load tool hey: apt-get install hey (Debian 12: hey 0.1.4)');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'palisade-bench-admission-'));
makeServingCerts(dir, ['server']);
const ca = readFileSync(join(dir, 'ca.crt'));
const cert = join(dir, 'server.crt');
const key = join(dir, 'server.key');
const configFile = join(dir, 'palisade.yaml');
const reviewFile = join(dir, 'review.json');
writeFileSync(
  configFile,
  `admission:
  defaults:
    enforce: restricted
    warn: palisade
    audit: palisade
  imageGate:
    registries:
      allow: [registry.example.com, mcr.microsoft.com]
    digests:
      action: warn
`,
);

/** A typical Deployment: restricted-compliant, with the usual gaps a warn level reports. */
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout', namespace: 'shop', labels: { app: 'checkout', tier: 'backend' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'checkout' } },
    template: {
      metadata: { labels: { app: 'checkout', tier: 'backend' }, annotations: { 'prometheus.io/scrape': 'true' } },
      spec: {
        serviceAccountName: 'checkout',
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'checkout',
            image: 'registry.example.com/shop/checkout:4.2.0',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'checkout-db', key: 'password' } } },
            ],
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
            readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 10 },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              { name: 'config', mountPath: '/etc/checkout', readOnly: true },
            ],
          },
          {
            name: 'proxy',
            image: 'mcr.microsoft.com/oss/envoyproxy/envoy:v1.31.2',
            ports: [{ name: 'https', containerPort: 8443 }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
        volumes: [
          { name: 'tmp', emptyDir: {} },
          { name: 'config', configMap: { name: 'checkout' } },
        ],
      },
    },
  },
};
const review = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    requestKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
    name: 'checkout',
    namespace: 'shop',
    operation: 'CREATE',
    userInfo: {
      username: 'system:serviceaccount:argocd:argocd-application-controller',
      groups: ['system:authenticated'],
    },
    object: deployment,
    oldObject: null,
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  },
});

writeFileSync(reviewFile, review);

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

function post(port: number, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca,
        servername: 'localhost',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const { status } = await post(port, '/validate', review);
      if (status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

interface Target {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

async function start(name: string, args: string[]): Promise<Target> {
  const port = await freePort();
  const [command, argv] = pinned(
    0,
    process.execPath,
    args.map((a) => (a === '$PORT' ? String(port) : a)),
  );
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady(port, child);
  return { name, port, child };
}

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly errors: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** One hey process on CPU 1; its CSV lines (response time in seconds, status code, ...). */
function hey(args: readonly string[]): Promise<string> {
  const [command, argv] = pinned(1, 'hey', [...args]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`hey exited with ${code}`))));
  });
}

function figures(outputs: readonly string[], durationS: number): Figures {
  const times: number[] = [];
  let errors = 0;
  for (const out of outputs) {
    for (const line of out.split('\n').slice(1)) {
      if (line === '') continue;
      const fields = line.split(',');
      if (fields[6] === '200') times.push(Number(fields[0]) * 1000);
      else errors++;
    }
  }
  const sorted = Float64Array.from(times).sort();
  return {
    rps: times.length / durationS,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    errors,
  };
}

function heyArgs(target: Target, durationS: number, workers: number, qps?: number): string[] {
  return [
    '-z',
    `${durationS}s`,
    '-c',
    String(workers),
    ...(qps === undefined ? [] : ['-q', String(qps)]),
    '-o',
    'csv',
    '-m',
    'POST',
    '-T',
    'application/json',
    '-D',
    reviewFile,
    `https://127.0.0.1:${target.port}/validate`,
  ];
}

/**
 * RATE requests/s as CONNECTIONS independent paced clients (one hey process each, one keep-alive
 * connection, RATE/CONNECTIONS requests/s), started 1/RATE s apart so that arrivals spread over
 * the second instead of coming in bursts.
 */
async function paced(target: Target, durationS: number): Promise<Figures> {
  const runs: Promise<string>[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    runs.push(
      new Promise<void>((r) => setTimeout(r, (i * 1000) / RATE)).then(() =>
        hey(heyArgs(target, durationS, 1, RATE / CONNECTIONS)),
      ),
    );
  }
  return figures(await Promise.all(runs), durationS);
}

/** As fast as CONNECTIONS keep-alive connections go. */
async function flat(target: Target, durationS: number): Promise<Figures> {
  return figures([await hey(heyArgs(target, durationS, CONNECTIONS))], durationS);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;

async function main(): Promise<void> {
  const bare = await start('bare', ['bench/admission-bare.ts', cert, key, '$PORT']);
  const webhook = await start('palisade', [
    'bin/palisade.js',
    'admission',
    'serve',
    '--cert',
    cert,
    '--key',
    key,
    '--host',
    '127.0.0.1',
    '--port',
    '$PORT',
    '--config',
    configFile,
  ]);
  try {
    const sample = JSON.parse((await post(webhook.port, '/validate', review)).text) as {
      response: { allowed: boolean; warnings?: string[]; auditAnnotations?: Record<string, string> };
    };
    console.log(
      `webhook answer: allowed=${sample.response.allowed}, ${sample.response.warnings?.length ?? 0} warnings, ` +
        `${Object.keys(sample.response.auditAnnotations ?? {}).length} audit annotations; review ${review.length} bytes`,
    );
    console.log(
      `CPU pinning: ${hasTaskset ? 'servers on CPU 0, hey on CPU 1' : 'none (taskset missing)'}; ${CONNECTIONS} connections`,
    );
    for (const target of [bare, webhook]) await flat(target, 2); // warm-up (JIT)

    const fixed = new Map<string, Figures[]>([
      ['bare', []],
      ['palisade', []],
    ]);
    const max = new Map<string, Figures[]>([
      ['bare', []],
      ['palisade', []],
    ]);
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const line: string[] = [];
      const p99: Record<string, number> = {};
      for (const target of [bare, webhook]) {
        const f = await paced(target, seconds);
        fixed.get(target.name)?.push(f);
        p99[target.name] = f.p99;
        line.push(`${target.name} ${f.rps.toFixed(0)} req/s p50 ${ms(f.p50)} p99 ${ms(f.p99)} p99.9 ${ms(f.p999)}`);
      }
      ratios.push((p99.palisade as number) / (p99.bare as number));
      for (const target of [bare, webhook]) {
        const f = await flat(target, Math.max(2, Math.round(seconds / 2)));
        max.get(target.name)?.push(f);
        line.push(`${target.name} max ${f.rps.toFixed(0)} req/s p99 ${ms(f.p99)}`);
      }
      console.log(`round ${round}: ${line.join('; ')}`);
    }

    console.log(`\nAt ${RATE} req/s (median of ${rounds} rounds of ${seconds} s):`);
    console.log('| server | req/s | p50 | p99 | p99.9 | errors | max req/s | p99 at max |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const name of ['bare', 'palisade']) {
      const f = fixed.get(name) ?? [];
      const m = max.get(name) ?? [];
      console.log(
        `| ${name} | ${median(f.map((x) => x.rps)).toFixed(0)} | ${ms(median(f.map((x) => x.p50)))} | ` +
          `${ms(median(f.map((x) => x.p99)))} | ${ms(median(f.map((x) => x.p999)))} | ${f.reduce((s, x) => s + x.errors, 0)} | ` +
          `${median(m.map((x) => x.rps)).toFixed(0)} | ${ms(median(m.map((x) => x.p99)))} |`,
      );
    }
    const webhookP99 = median((fixed.get('palisade') ?? []).map((x) => x.p99));
    const ratio = median(ratios);
    console.log(
      `\np99 at ${RATE} req/s: ${ms(webhookP99)} (target < 5 ms: ${webhookP99 < 5 ? 'met' : 'NOT met'}); ` +
        `p99 / bare p99: ${ratio.toFixed(2)}x per round ${ratios.map((r) => r.toFixed(2)).join(', ')} ` +
        `(target <= 2x: ${ratio <= 2 ? 'met' : 'NOT met'})`,
    );
  } finally {
    for (const target of [bare, webhook]) target.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
