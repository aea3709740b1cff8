/**
 * Scaffold a posture check: `npm run new:check -- kubernetes/workload/my-check`.
 * Prints the next free id for the domain, writes the check, its test and fixture folders, and
 * reminds you to list it in the group's index.ts (the registry meta-test fails until you do).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '#posture';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PREFIX: Record<string, string> = { kubernetes: 'K8S', openshift: 'OCP', azure: 'AZR' };

export function nextFreeId(domain: string, group: string): string {
  const prefix = PREFIX[domain];
  if (!prefix) {
    throw new Error(`unknown domain "${domain}" (kubernetes, openshift or azure)`);
  }
  const used = CHECKS.map((c) => c.meta.id)
    .filter((id) => id.startsWith(`PAL-${prefix}-`))
    .map((id) => Number(id.slice(-4)));
  // Each group owns a block of 100 ids; start after the highest id used in the group's block.
  const inGroup = CHECKS.filter((c) => c.meta.id.startsWith(`PAL-${prefix}-`)).filter((c) =>
    existsSync(`${ROOT}src/posture/checks/${domain}/${group}/${c.meta.slug}.ts`),
  );
  const base = inGroup.length > 0 ? Math.max(...inGroup.map((c) => Number(c.meta.id.slice(-4)))) : Math.max(0, ...used);
  let n = base + 1;
  while (used.includes(n)) {
    n++;
  }
  return `PAL-${prefix}-${String(n).padStart(4, '0')}`;
}

function camel(slug: string): string {
  return slug.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  const match = /^(?<domain>[a-z]+)\/(?<group>[a-z-]+)\/(?<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(target ?? '');
  if (!match?.groups) {
    console.error('usage: npm run new:check -- <domain>/<group>/<slug>   e.g. kubernetes/workload/my-check');
    process.exit(2);
  }
  const { domain = '', group = '', slug = '' } = match.groups;
  const id = nextFreeId(domain, group);
  const dir = `${ROOT}src/posture/checks/${domain}/${group}`;
  const file = `${dir}/${slug}.ts`;
  if (existsSync(file)) {
    console.error(`${file} exists`);
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `/**
 * TODO: one sentence on what this check enforces.
 * Reads: TODO field paths.
 * Allowed: TODO.
 * Source: TODO normative reference.
 */
import { defineCheck, outcome } from '../../../check.ts';
import { containersOf, type Workload } from '../../../lib/pod.ts';

export const ${camel(slug)} = defineCheck<Workload>({
  meta: {
    id: '${id}',
    slug: '${slug}',
    title: 'TODO states the problem',
    description: 'TODO why it matters.',
    severity: 'medium',
    maturity: 'experimental',
    targets: [{ class: 'workload' }],
    frameworks: [],
    remediation: { summary: 'TODO what to change.' },
    references: [],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    return outcome(containersOf(workload.pod).flatMap(() => []));
  },
});
`,
  );
  writeFileSync(
    `${dir}/${slug}.test.ts`,
    `import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { ${camel(slug)} } from './${slug}.ts';

describe('${slug}', () => {
  it('fails on TODO', () => {
    const findings = runCheckOn(${camel(slug)}, \`TODO YAML\`);
    assert.deepEqual(findings.map((f) => f.violations), [[]]);
  });
});
`,
  );
  for (const outcome of ['pass', 'fail']) {
    mkdirSync(`${ROOT}test/fixtures/posture/${domain}/${group}/${slug}/${outcome}`, { recursive: true });
  }
  console.log(`${id} ${slug}: wrote ${file}, its test and fixture folders.`);
  console.log(`Now add it to src/posture/checks/${domain}/${group}/index.ts and write the fixtures.`);
}
