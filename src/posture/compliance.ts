/**
 * Compliance per framework control, for `palisade scan --framework <id>`: for every control of the
 * framework (and of the frameworks it includes), the checks that map to it and what they found.
 *   failed         an unsuppressed failing finding of one of its checks;
 *   indeterminate  no failure, but a finding that could not be decided (or a check error);
 *   passed         its checks assessed resources and all passed (suppressed failures count as passed);
 *   not-assessed   its checks ran but no resource in the input was one they read;
 *   manual         no check verifies it: a person must (processes, reviews, settings Palisade cannot see).
 */
import type { ControlCompliance, Finding, FindingStatus, FrameworkCompliance } from '#core';
import type { AnyCheck } from './checks/index.ts';
import { frameworkClosure, getFramework } from './frameworks/index.ts';

export function frameworkCompliance(
  frameworkId: string,
  checks: readonly AnyCheck[],
  findings: readonly Finding[],
  countsByCheck: ReadonlyMap<string, Readonly<Record<FindingStatus, number>>>,
): FrameworkCompliance[] {
  const failing = new Map<string, number>();
  const unknown = new Map<string, number>();
  for (const finding of findings) {
    if (finding.suppressed) {
      continue;
    }
    if (finding.status === 'fail') {
      failing.set(finding.checkId, (failing.get(finding.checkId) ?? 0) + 1);
    } else if (finding.status === 'indeterminate' || finding.status === 'error') {
      unknown.set(finding.checkId, (unknown.get(finding.checkId) ?? 0) + 1);
    }
  }
  const out: FrameworkCompliance[] = [];
  for (const id of frameworkClosure(frameworkId)) {
    const framework = getFramework(id);
    if (!framework) {
      continue;
    }
    const controls: ControlCompliance[] = framework.controls.map((control) => {
      const mapped = checks.filter((check) =>
        check.meta.frameworks.some((ref) => ref.framework === id && ref.control === control.id),
      );
      let failed = 0;
      let indeterminate = 0;
      let assessed = 0;
      for (const check of mapped) {
        const counts = countsByCheck.get(check.meta.id);
        failed += failing.get(check.meta.id) ?? 0;
        indeterminate += unknown.get(check.meta.id) ?? 0;
        if (counts) {
          assessed += counts.pass + counts.fail + counts.error + counts.indeterminate;
        }
      }
      const status: ControlCompliance['status'] =
        mapped.length === 0
          ? 'manual'
          : failed > 0
            ? 'failed'
            : indeterminate > 0
              ? 'indeterminate'
              : assessed > 0
                ? 'passed'
                : 'not-assessed';
      return {
        id: control.id,
        title: control.title,
        ...(control.section === undefined ? {} : { section: control.section }),
        status,
        checks: mapped.map((c) => c.meta.id),
        failed,
        indeterminate,
        assessed,
      };
    });
    const summary = { passed: 0, failed: 0, indeterminate: 0, 'not-assessed': 0, manual: 0 };
    for (const control of controls) {
      summary[control.status]++;
    }
    out.push({ framework: id, title: framework.title, version: framework.version, summary, controls });
  }
  return out;
}
