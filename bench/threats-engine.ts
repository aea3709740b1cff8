/**
 * Micro-benchmark for src/threats/engine: N generated audit events (default 1,000,000; mostly
 * get/list/watch by controllers and nodes, some creates/execs/secret reads by 10,000 distinct
 * users) against 35 synthetic rules of realistic shapes (pre-filtered, any-verb, count windows,
 * first-seen). Reports events/s against a floor that only builds and JSON-parses the same lines,
 * and heap after the run (windowed state included).
 * Run: node --expose-gc bench/threats-engine.ts [count]
 */

import { compileRuleFiles, createEngine, loadRuleFile } from '../src/threats/engine/index.ts';
import type { AuditEvent } from '../src/threats/event.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const IDENTITIES = 10_000;

function rule(id: number, body: string): string {
  return `  - id: PAL-TD-${String(id).padStart(4, '0')}
    title: Rule ${id}
    description: Synthetic rule ${id}.
    severity: medium
    maturity: stable
    mitre: { tactic: TA0002, technique: T1609 }
${body
  .trim()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;
}

const handWritten = [
  `match: { verbs: [create], resources: [pods/exec, pods/attach] }\ncondition: '!is_controller && !(user in exec_allowed)'\noutput: 'exec {ns}/{name} by {user}'`,
  `match: { verbs: [create], resources: [pods/portforward] }\ncondition: '!is_controller'\noutput: 'port-forward {ns}/{name} by {user}'`,
  `match: { verbs: [create, update], resources: [pods] }\ncondition: 'has(requestObject.spec) && requestObject.spec.containers.exists(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged == true)'\noutput: 'privileged pod {ns}/{name} by {user}'`,
  `match: { verbs: [create, update], resources: [pods] }\ncondition: 'has(requestObject.spec) && has(requestObject.spec.volumes) && requestObject.spec.volumes.exists(v, has(v.hostPath))'\noutput: 'hostPath pod {ns}/{name}'`,
  `match: { verbs: [create, update], resources: [pods] }\ncondition: 'has(requestObject.spec) && has(requestObject.spec.hostNetwork) && requestObject.spec.hostNetwork == true'\noutput: 'hostNetwork pod {ns}/{name}'`,
  `match: { verbs: [get, list], resources: [secrets] }\ncondition: '!is_controller && code < 400'\noutput: 'secret enumeration by {user}'\nwindow: { kind: count, key: user, threshold: 20, duration: 1m }`,
  `match: { verbs: [list], resources: [secrets] }\ncondition: '!is_controller'\noutput: 'first secrets list by {user} in {ns}'\nwindow: { kind: first-seen, key: 'user + "|" + ns', learning: 10m }`,
  `match: { verbs: ['*'], resources: ['*'] }\ncondition: 'code == 403 && !is_controller'\noutput: 'forbidden burst by {user}'\nwindow: { kind: count, key: user, threshold: 10, duration: 5m }`,
  `match: { verbs: ['*'], resources: ['*'] }\ncondition: 'user == "system:anonymous" || "system:unauthenticated" in groups'\noutput: 'anonymous {verb} {resource}'`,
  `match: { verbs: [create, update, patch], resources: [clusterrolebindings, rolebindings], apiGroups: [rbac.authorization.k8s.io] }\ncondition: 'has(requestObject.roleRef) && requestObject.roleRef.name == "cluster-admin"'\noutput: 'cluster-admin bound by {user}'`,
  `match: { verbs: [create], resources: [serviceaccounts/token] }\ncondition: '!is_controller'\noutput: 'token for {ns}/{name} by {user}'`,
  `match: { verbs: [delete, deletecollection], resources: [events] }\ncondition: 'true'\noutput: 'events deleted by {user}'`,
  `match: { verbs: [get, list, watch], resources: ['*'] }\ncondition: 'userAgent.startsWith("curl/") || userAgent.contains("python-requests")'\noutput: 'scripted client {userAgent}'`,
];
const resources = ['configmaps', 'deployments', 'daemonsets', 'cronjobs', 'nodes', 'namespaces', 'roles', 'webhooks'];
const synthetic: string[] = [];
for (let i = 0; synthetic.length + handWritten.length < 35; i++) {
  const res = resources[i % resources.length];
  const verb = ['create', 'update', 'patch', 'delete'][i % 4];
  synthetic.push(
    `match: { verbs: [${verb}], resources: [${res}] }\ncondition: 'ns in sensitive_ns && !is_controller && !(user in admins)'\noutput: '${verb} ${res} {ns}/{name} by {user}'`,
  );
}
const yaml = `lists:
  exec_allowed: [alice, bob]
  admins: [root-admin]
  sensitive_ns: [kube-system, openshift-config, cert-manager]
macros:
  is_controller: user.startsWith("system:serviceaccount:kube-system:") || user.startsWith("system:node:")
rules:
${[...handWritten, ...synthetic].map((b, i) => rule(i + 1, b)).join('')}`;
const loaded = loadRuleFile(yaml, 'bench.yaml');
const compiled = compileRuleFiles([loaded.value]);
if (loaded.diagnostics.length + compiled.diagnostics.length > 0) {
  console.error(loaded.diagnostics, compiled.diagnostics);
  process.exit(1);
}
console.log(`${compiled.value.rules.length} rules`);

const T0 = 1_795_428_000_000;
const controllers = ['replicaset-controller', 'endpoint-controller', 'namespace-controller', 'job-controller'];
function line(i: number): string {
  const ts = new Date(T0 + i * 2).toISOString();
  const r = i % 100;
  let user: string;
  let verb: string;
  let resource: string;
  let sub = '';
  let code = 200;
  let body = '';
  if (r < 88) {
    user = r % 2 ? `system:node:node-${i % 200}` : `system:serviceaccount:kube-system:${controllers[i % 4]}`;
    verb = ['get', 'list', 'watch'][i % 3] as string;
    resource = ['pods', 'configmaps', 'endpoints', 'leases', 'secrets'][i % 5] as string;
  } else {
    user = `user-${Math.floor(i / 100) % IDENTITIES}@example.com`;
    if (r < 92) {
      verb = 'get';
      resource = 'secrets';
      code = r === 91 ? 403 : 200;
    } else if (r < 95) {
      verb = 'create';
      resource = 'pods';
      body = `,"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p${i}"},"spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b","image":"busybox","securityContext":{"privileged":${r === 94}}}]}}`;
    } else if (r < 97) {
      verb = 'create';
      resource = 'pods';
      sub = 'exec';
    } else {
      verb = ['update', 'patch', 'list'][r % 3] as string;
      resource = ['configmaps', 'deployments', 'secrets'][r % 3] as string;
    }
  }
  const ns = ['default', 'kube-system', 'shop', 'cert-manager'][i % 4];
  return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"${body ? 'Request' : 'Metadata'}","auditID":"00000000-0000-4000-8000-${String(i).padStart(12, '0')}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/${ns}/${resource}/x${i % 1000}","verb":"${verb}","user":{"username":"${user}","groups":["system:authenticated"]},"sourceIPs":["10.128.${i % 250}.${i % 200}"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"${resource}","namespace":"${ns}","name":"x${i % 1000}","apiVersion":"v1"${sub ? `,"subresource":"${sub}"` : ''}},"responseStatus":{"metadata":{},"code":${code}}${body},"requestReceivedTimestamp":"${ts}","stageTimestamp":"${ts}"}`;
}

function floor(): number {
  const start = performance.now();
  let n = 0;
  for (let i = 0; i < count; i++) n += (JSON.parse(line(i)) as { verb: string }).verb.length;
  if (n < 0) console.log(n);
  return count / ((performance.now() - start) / 1000);
}

function engineRun(): { rate: number; matches: number; heapMB: number; engine: ReturnType<typeof createEngine> } {
  const engine = createEngine(compiled.value.rules);
  const start = performance.now();
  let matches = 0;
  for (let i = 0; i < count; i++) {
    // Validation (zod) belongs to the input layer and is measured by bench/threats-read.ts.
    const event = JSON.parse(line(i)) as AuditEvent;
    matches += engine.evaluate({
      kind: 'audit',
      event,
      time: T0 + i * 2,
      location: { file: 'bench', line: i + 1 },
    }).length;
  }
  const rate = count / ((performance.now() - start) / 1000);
  (globalThis as { gc?: () => void }).gc?.();
  return { rate, matches, heapMB: process.memoryUsage().heapUsed / 1e6, engine };
}

for (let round = 0; round < 2; round++) {
  const f = floor();
  const e = engineRun();
  const keys = [...e.engine.stats.rules.values()].reduce((a, s) => a + s.windowKeys, 0);
  const evictions = [...e.engine.stats.rules.values()].reduce((a, s) => a + s.evictions, 0);
  console.log(
    `round ${round}: floor ${Math.round(f).toLocaleString()} ev/s; engine ${Math.round(e.rate).toLocaleString()} ev/s ` +
      `(${((e.rate / f) * 100).toFixed(0)}% of floor); matches ${e.matches}; candidates tested ${e.engine.stats.candidatesTested} ` +
      `(${(e.engine.stats.candidatesTested / count).toFixed(2)}/event of 35 rules); window keys ${keys}, evictions ${evictions}; ` +
      `heap after GC ${e.heapMB.toFixed(0)} MB; diagnostics ${e.engine.diagnostics.length}`,
  );
}
