/**
 * Test helpers: load fixture manifests into an inventory and run one check over them.
 * A fixture may start with a comment line `# settings: {"pssVersion":"v1.24"}` to change
 * check settings for that fixture (JSON; keys of CheckSettings, pssVersion as text).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Finding, Resource } from '#core';
import { buildInventory, decode, documentKind, type Inventory, templateResources, toAnyResource } from '#inventory';
import type { CheckSettings } from '#posture/check.ts';
import type { AnyCheck } from '#posture/checks/index.ts';
import { evaluate } from '#posture/evaluate.ts';
import { parsePssVersion } from '#posture/lib/pss-version.ts';
import { DEFAULT_SETTINGS } from '#posture/settings.ts';

export interface LoadedFixture {
  readonly resources: Resource[];
  readonly inventory: Inventory;
  readonly settings: CheckSettings;
}

function settingsFrom(text: string): CheckSettings {
  const match = /^#\s*settings:\s*(?<json>\{.*\})\s*$/m.exec(text.split('\n', 1)[0] ?? '');
  if (!match?.groups?.json) {
    return DEFAULT_SETTINGS;
  }
  const raw = JSON.parse(match.groups.json) as Record<string, unknown>;
  const { pssVersion, ...rest } = raw;
  return {
    ...DEFAULT_SETTINGS,
    ...(rest as Partial<CheckSettings>),
    ...(typeof pssVersion === 'string' ? { pssVersion: parsePssVersion(pssVersion) } : {}),
  };
}

/** Parse a YAML/JSON text into resources; throws on any diagnostic (fixtures must be clean). */
export function loadText(text: string, file = 'inline.yaml'): LoadedFixture {
  const decoded = decode(text, file);
  const problems = [...decoded.diagnostics];
  const resources: Resource[] = [];
  for (const { value, source } of decoded.objects) {
    const kind = documentKind(value);
    if (kind === 'arm-parameters') {
      continue; // read with its template
    }
    if (kind === 'arm-template') {
      // An ARM template expands into its resources, with `<name>.parameters.json` beside it when present.
      const paramsFile = file.replace(/\.json$/i, '.parameters.json');
      const parameters = existsSync(paramsFile)
        ? { file: paramsFile, value: JSON.parse(readFileSync(paramsFile, 'utf8')) as unknown }
        : undefined;
      const expanded = templateResources({ file, text, value }, parameters);
      problems.push(...expanded.diagnostics.filter((d) => d.level === 'error'));
      resources.push(...expanded.resources);
      continue;
    }
    const result = toAnyResource(value, source);
    problems.push(...result.diagnostics.filter((d) => d.level === 'error'));
    if (result.resource) {
      resources.push(result.resource);
    }
  }
  if (problems.length > 0) {
    throw new Error(`fixture ${file} is not clean: ${problems.map((d) => d.message).join('; ')}`);
  }
  return { resources, inventory: buildInventory(resources), settings: settingsFrom(text) };
}

export function loadFixture(path: string): LoadedFixture {
  return loadText(readFileSync(path, 'utf8'), path);
}

/** Run one check over every resource of a fixture it targets. */
export function runCheck(check: AnyCheck, fixture: LoadedFixture, settings?: Partial<CheckSettings>): Finding[] {
  return evaluate(fixture.inventory, [check], { ...fixture.settings, ...settings }).findings;
}

/** Run one check over an inline YAML text; returns its findings. */
export function runCheckOn(
  check: AnyCheck,
  yamlText: string,
  settings?: Partial<CheckSettings>,
  file?: string,
): Finding[] {
  return runCheck(check, loadText(yamlText, file), settings);
}
