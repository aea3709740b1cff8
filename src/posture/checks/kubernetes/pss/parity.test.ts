/**
 * Level parity with the upstream pod-security-admission controller: run the whole level (every
 * pss-baseline check, or every pss-restricted check with overrides applied, as `--framework`
 * selects them) over pods at every policy version v1.0 … latest and compare the verdict (denied =
 * at least one failing finding) with the one upstream gives, including the version just before
 * and at each change. Also checks that the generated fixtures are up to date
 * (UPDATE_PSS_FIXTURES=1 rewrites them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Resource } from '#core';
import { buildInventory, toResource } from '#inventory';
import {
  addEphemeral,
  annotate,
  app,
  casePod,
  hardenedPod,
  listFixtureFiles,
  minimalPod,
  type PodObject,
  PSS_FIXTURE_CASES,
  podSc,
  ROOT,
  renderPssFixtures,
  sc,
  setup,
  wrap,
  writePssFixtures,
} from '../../../../../scripts/gen-pss-fixtures.ts';
import { evaluate, selectChecks } from '../../../evaluate.ts';
import { allPssVersions, LATEST_PSS_VERSION } from '../../../lib/pss-version.ts';
import { DEFAULT_SETTINGS } from '../../../settings.ts';
import { CHECKS } from '../../index.ts';

type Level = 'baseline' | 'restricted';

const LATEST = LATEST_PSS_VERSION.minor;
const LEVEL_CHECKS = {
  baseline: selectChecks(CHECKS, { frameworks: ['pss-baseline'] }),
  restricted: selectChecks(CHECKS, { frameworks: ['pss-restricted'] }),
} as const;

function resourceOf(pod: PodObject, kind: Parameters<typeof wrap>[0] = 'Pod'): Resource {
  const { resource, diagnostics } = toResource(wrap(kind, pod, 'parity'), { file: 'parity.yaml' });
  assert.ok(resource, `pod did not convert: ${diagnostics.map((d) => d.message).join('; ')}`);
  assert.equal(resource.podError, undefined, resource.podError);
  return resource;
}

/** The failing checks (slugs) when a level evaluates the resource at v1.`minor`. */
function failing(level: Level, resource: Resource, minor: number): string[] {
  const { findings } = evaluate(buildInventory([resource]), LEVEL_CHECKS[level], {
    ...DEFAULT_SETTINGS,
    pssVersion: { major: 1, minor },
  });
  const errors = findings.filter((f) => f.status === 'error');
  assert.deepEqual(errors, [], 'no check may error');
  return findings
    .filter((f) => f.status === 'fail')
    .map((f) => f.slug)
    .sort();
}

/** Inclusive [from, to] ranges of policy minors where the level denies the pod. */
type Denied = readonly (readonly [number, number])[];
const NEVER: Denied = [];
const ALWAYS: Denied = [[0, LATEST]];
const from = (minor: number): Denied => [[minor, LATEST]];
const before = (minor: number): Denied => [[0, minor - 1]];

function deniedAt(ranges: Denied, minor: number): boolean {
  return ranges.some(([lo, hi]) => minor >= lo && minor <= hi);
}

interface ParityCase {
  readonly name: string;
  readonly pod: () => PodObject;
  readonly baseline: Denied;
  readonly restricted: Denied;
}

const CASES: readonly ParityCase[] = [
  { name: 'hardened pod', pod: hardenedPod, baseline: NEVER, restricted: NEVER },
  { name: 'pod without any security context', pod: () => minimalPod('baseline'), baseline: NEVER, restricted: ALWAYS },
  {
    name: 'sysctl net.ipv4.ip_local_reserved_ports (safe from v1.27)',
    pod: () => withSysctl('net.ipv4.ip_local_reserved_ports'),
    baseline: before(27),
    restricted: before(27),
  },
  {
    name: 'sysctl net.ipv4.tcp_keepalive_probes (safe from v1.29)',
    pod: () => withSysctl('net.ipv4.tcp_keepalive_probes'),
    baseline: before(29),
    restricted: before(29),
  },
  {
    name: 'sysctl net.ipv4.tcp_wmem (safe from v1.32)',
    pod: () => withSysctl('net.ipv4.tcp_wmem'),
    baseline: before(32),
    restricted: before(32),
  },
  {
    name: 'sysctl net.ipv4.tcp_notsent_lowat (safe from v1.37)',
    pod: () => withSysctl('net.ipv4.tcp_notsent_lowat'),
    baseline: before(37),
    restricted: before(37),
  },
  {
    name: 'sysctl kernel.msgmax (never safe)',
    pod: () => withSysctl('kernel.msgmax'),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'SELinux type container_engine_t (allowed from v1.31)',
    pod: () =>
      tweak(hardenedPod(), (p) => void Object.assign(sc(app(p)), { seLinuxOptions: { type: 'container_engine_t' } })),
    baseline: before(31),
    restricted: before(31),
  },
  {
    name: 'SELinux type spc_t',
    pod: () => tweak(hardenedPod(), (p) => void Object.assign(podSc(p), { seLinuxOptions: { type: 'spc_t' } })),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'liveness probe with a host (forbidden from v1.34)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        app(p).livenessProbe = { httpGet: { host: '10.0.0.1', port: 8080 } };
      }),
    baseline: from(34),
    restricted: from(34),
  },
  {
    name: 'preStop tcpSocket host in an ephemeral container (forbidden from v1.34)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        const debug = addEphemeral(p);
        debug.lifecycle = { preStop: { tcpSocket: { host: 'localhost', port: 9000 } } };
      }),
    baseline: from(34),
    restricted: from(34),
  },
  {
    name: 'Unmasked /proc in a user-namespace pod (baseline relaxed from v1.35)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.hostUsers = false;
        sc(app(p)).procMount = 'Unmasked';
      }),
    baseline: before(35),
    restricted: ALWAYS,
  },
  {
    name: 'Unmasked /proc without a user namespace',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.hostUsers = true;
        sc(setup(p)).procMount = 'Unmasked';
      }),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'user-namespace pod without runAsNonRoot (relaxed from v1.35)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.hostUsers = false;
        delete podSc(p).runAsNonRoot;
      }),
    baseline: NEVER,
    restricted: before(35),
  },
  {
    name: 'user-namespace pod with runAsUser 0 (checked v1.23–v1.34)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.hostUsers = false;
        podSc(p).runAsUser = 0;
      }),
    baseline: NEVER,
    restricted: [[23, 34]],
  },
  {
    name: 'runAsUser 0 on a container (forbidden from v1.23)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(app(p)).runAsUser = 0;
      }),
    baseline: NEVER,
    restricted: from(23),
  },
  {
    name: 'no seccomp profile (required from v1.19)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        delete podSc(p).seccompProfile;
      }),
    baseline: NEVER,
    restricted: from(19),
  },
  {
    name: 'unconfined seccomp annotation (checked before v1.19)',
    pod: () => tweak(hardenedPod(), (p) => annotate(p, 'seccomp.security.alpha.kubernetes.io/pod', 'unconfined')),
    baseline: before(19),
    restricted: before(19),
  },
  {
    name: 'Unconfined seccomp field on an init container (checked from v1.19)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(setup(p)).seccompProfile = { type: 'Unconfined' };
      }),
    baseline: from(19),
    restricted: from(19),
  },
  {
    name: 'capabilities not dropped (required from v1.22)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        delete sc(app(p)).capabilities;
      }),
    baseline: NEVER,
    restricted: from(22),
  },
  {
    name: 'adds NET_RAW (baseline rule before v1.22, restricted rule after)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(app(p)).capabilities = { drop: ['ALL'], add: ['NET_RAW'] };
      }),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'adds CHOWN (a default capability: restricted forbids it from v1.22)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(app(p)).capabilities = { drop: ['ALL'], add: ['CHOWN'] };
      }),
    baseline: NEVER,
    restricted: from(22),
  },
  {
    name: 'adds NET_BIND_SERVICE',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(app(p)).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
      }),
    baseline: NEVER,
    restricted: NEVER,
  },
  {
    name: 'allowPrivilegeEscalation unset (required from v1.8)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        delete sc(setup(p)).allowPrivilegeEscalation;
      }),
    baseline: NEVER,
    restricted: from(8),
  },
  {
    name: 'Windows pod without Linux-only fields (exempt from v1.25)',
    pod: () => {
      const pod = minimalPod('baseline');
      pod.spec.os = { name: 'windows' };
      pod.spec.securityContext = { runAsNonRoot: true };
      return pod;
    },
    baseline: NEVER,
    restricted: [[8, 24]],
  },
  {
    name: 'Windows HostProcess pod',
    pod: () =>
      tweak(minimalPod('baseline'), (p) => {
        p.spec.os = { name: 'windows' };
        podSc(p).windowsOptions = { hostProcess: true };
      }),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'Unconfined AppArmor field (checked at every version)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        sc(app(p)).appArmorProfile = { type: 'Unconfined' };
      }),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'unconfined AppArmor annotation',
    pod: () =>
      tweak(hardenedPod(), (p) => annotate(p, 'container.apparmor.security.beta.kubernetes.io/app', 'unconfined')),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'image volume (allowed at every version)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.volumes = [{ name: 'm', image: { reference: 'r/m:1' } }];
      }),
    baseline: NEVER,
    restricted: NEVER,
  },
  {
    name: 'volume without a source (defaults to emptyDir)',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.volumes = [{ name: 'scratch' }];
      }),
    baseline: NEVER,
    restricted: NEVER,
  },
  {
    name: 'nfs volume',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.volumes = [{ name: 'n', nfs: { server: 's', path: '/' } }];
      }),
    baseline: NEVER,
    restricted: ALWAYS,
  },
  {
    name: 'hostPath volume',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        p.spec.volumes = [{ name: 'h', hostPath: { path: '/etc' } }];
      }),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
  {
    name: 'host port 0',
    pod: () =>
      tweak(hardenedPod(), (p) => {
        app(p).ports = [{ containerPort: 80, hostPort: 0 }];
      }),
    baseline: NEVER,
    restricted: NEVER,
  },
  {
    name: 'privileged ephemeral container',
    pod: () => tweak(hardenedPod(), (p) => void addEphemeral(p, { privileged: true })),
    baseline: ALWAYS,
    restricted: ALWAYS,
  },
];

function tweak(pod: PodObject, change: (pod: PodObject) => void): PodObject {
  change(pod);
  return pod;
}

function withSysctl(name: string): PodObject {
  return tweak(hardenedPod(), (p) => {
    podSc(p).sysctls = [{ name, value: '1' }];
  });
}

describe('PSS level parity across every policy version', () => {
  const versions = allPssVersions();

  it('covers v1.0 to the newest version', () => {
    assert.equal(versions[0]?.minor, 0);
    assert.equal(versions.at(-1)?.minor, LATEST);
  });

  for (const parity of CASES) {
    for (const level of ['baseline', 'restricted'] as const) {
      it(`${level}: ${parity.name}`, () => {
        const resource = resourceOf(parity.pod());
        const mismatches: string[] = [];
        for (const { minor } of versions) {
          const fails = failing(level, resource, minor);
          const expected = deniedAt(parity[level], minor);
          if (fails.length > 0 !== expected) {
            mismatches.push(`v1.${minor}: expected ${expected ? 'denied' : 'allowed'}, got [${fails.join(', ')}]`);
          }
        }
        assert.deepEqual(mismatches, []);
      });
    }
  }

  it('evaluates a version newer than the newest one as the newest', () => {
    const resource = resourceOf(withSysctl('net.ipv4.tcp_notsent_lowat'));
    assert.deepEqual(failing('baseline', resource, LATEST + 5), []);
    assert.deepEqual(failing('baseline', resource, LATEST - 1), ['sysctls']);
  });

  it('gives the same verdict for a pod and for every workload kind that templates it', () => {
    const pod = tweak(hardenedPod(), (p) => {
      annotate(p, 'seccomp.security.alpha.kubernetes.io/pod', 'unconfined');
      podSc(p).sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }];
    });
    for (const kind of ['Pod', 'Deployment', 'CronJob', 'DeploymentConfig', 'PodTemplate'] as const) {
      const resource = resourceOf(structuredClone(pod), kind);
      assert.deepEqual(failing('restricted', resource, 18), ['seccomp-restricted', 'sysctls'], kind);
      assert.deepEqual(failing('restricted', resource, 32), [], kind);
    }
  });
});

describe('generated PSS fixtures', () => {
  it('each fixture case gets its level’s verdict at its version', () => {
    for (const fixture of PSS_FIXTURE_CASES) {
      const resource = resourceOf(casePod(fixture), fixture.kind ?? 'Pod');
      const fails = failing(fixture.level, resource, fixture.minor ?? LATEST);
      assert.equal(
        fails.length > 0,
        fixture.outcome === 'fail',
        `${fixture.slug}/${fixture.outcome}/${fixture.scenario}: [${fails}]`,
      );
      if (fixture.outcome === 'fail') {
        assert.ok(fails.includes(fixture.slug), `${fixture.slug}/fail/${fixture.scenario} fails for [${fails}]`);
      }
    }
  });

  it('are up to date (UPDATE_PSS_FIXTURES=1 rewrites them)', () => {
    if (process.env.UPDATE_PSS_FIXTURES === '1') {
      writePssFixtures();
    }
    const expected = renderPssFixtures();
    assert.deepEqual(listFixtureFiles(), [...expected.keys()].sort(), 'fixture files differ from the generated set');
    for (const [path, text] of expected) {
      assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is stale: run UPDATE_PSS_FIXTURES=1`);
    }
  });
});
