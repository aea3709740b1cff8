/**
 * Micro-benchmark for src/threats/inputs/read.ts: reads N generated audit JSON lines (default
 * 1,000,000) and compares events/s with a floor of node:readline + JSON.parse alone.
 * Run: node bench/threats-read.ts [count]
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readEvents } from '../src/threats/inputs/read.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-'));
const file = join(dir, 'audit.log');
try {
  const out = createWriteStream(file);
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  for (let i = 0; i < count; i++) {
    const ts = new Date(1_795_428_000_000 + i * 3).toISOString().replace('Z', '123Z');
    const line = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"00000000-0000-4000-8000-${String(i).padStart(12, '0')}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/ns-${i % 50}/configmaps/cm-${i}","verb":"${verbs[i % verbs.length]}","user":{"username":"system:serviceaccount:ns-${i % 50}:app","groups":["system:serviceaccounts","system:authenticated"]},"sourceIPs":["10.128.${i % 250}.${i % 200}"],"userAgent":"app/1.0 (linux/amd64)","objectRef":{"resource":"configmaps","namespace":"ns-${i % 50}","name":"cm-${i}","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"${ts}","stageTimestamp":"${ts}","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const size = (await stat(file)).size;
  console.log(`${count} lines, ${(size / 1e6).toFixed(0)} MB`);

  for (let round = 0; round < 2; round++) {
    let start = performance.now();
    let n = 0;
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) {
      if (JSON.parse(line)) n++;
    }
    let s = (performance.now() - start) / 1000;
    console.log(`floor readline+JSON.parse: ${n} in ${s.toFixed(2)} s = ${Math.round(n / s)} lines/s`);

    start = performance.now();
    const stream = readEvents([file]);
    n = 0;
    for await (const _ of stream) n++;
    s = (performance.now() - start) / 1000;
    console.log(
      `readEvents: ${n} events in ${s.toFixed(2)} s = ${Math.round(n / s)} events/s (${stream.stats.diagnostics} diagnostics, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)`,
    );
  }
} finally {
  await rm(dir, { recursive: true });
}
