/**
 * ARM templates (and Bicep-compiled templates) as inventory: each resource the template would
 * deploy becomes an Azure resource whose properties hold the values the template gives them,
 * evaluated as Azure evaluates its expression language (arm/). Values that cannot be known
 * offline stay `Unresolved`, so checks report them as indeterminate. Each resource keeps the line
 * of its declaration in the template.
 *
 * Parameter files pair with templates as `az deployment group create --template-file main.json
 * --parameters main.parameters.json` does: explicitly (LoadOptions.parameters), or by name in the
 * same directory: `<base>.parameters.json` and `<base>.parameters.<env>.json` (one expansion per
 * parameters file, each a separate deployment), else the template alone with its defaults.
 */
import { basename, dirname, join } from 'node:path';
import { type AzureView, type Diagnostic, isUnresolved, type Resource, type SourceRef } from '#core';
import { expandTemplate, jsonPointerLines, parametersFromFile, type TemplateResource } from './arm/index.ts';
import { azureResource } from './export.ts';
import { canonicalType } from './types.ts';

export interface ParametersFile {
  readonly file: string;
  readonly value: unknown;
}

export interface TemplateInput {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  /** Line of the template object in the file (1 for a file holding only the template). */
  readonly line?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerText(pointer: readonly (string | number)[]): string {
  return pointer.length === 0
    ? '(root)'
    : pointer
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');
}

/** The parameter files that belong to a template by name: main.json ↔ main.parameters.json, main.parameters.dev.json. */
export function pairedParameters(templateFile: string, parameterFiles: readonly ParametersFile[]): ParametersFile[] {
  const dir = dirname(templateFile);
  const base = basename(templateFile).replace(/\.json$/i, '');
  return parameterFiles.filter((p) => {
    if (dirname(p.file) !== dir) {
      return false;
    }
    const name = basename(p.file).toLowerCase();
    const prefix = `${base.toLowerCase()}.parameters`;
    return name === `${prefix}.json` || (name.startsWith(`${prefix}.`) && name.endsWith('.json'));
  });
}

/** Expand one template (with one parameters file or none) into Azure resources. */
export function templateResources(
  template: TemplateInput,
  parameters?: ParametersFile,
): { resources: Resource[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let values: Record<string, unknown> | undefined;
  if (parameters) {
    const read = parametersFromFile(parameters.value);
    values = read.values;
    for (const d of read.diagnostics) {
      diagnostics.push({
        level: d.level,
        code: 'arm.parameters',
        message: `${d.message} (at ${pointerText(d.pointer)})`,
        location: { file: parameters.file },
      });
    }
  }
  const expanded = expandTemplate(template.value, values ? { parameters: values } : {});
  const pointers = [...expanded.resources.map((r) => r.pointer), ...expanded.diagnostics.map((d) => d.pointer)];
  const lines = jsonPointerLines(template.text, pointers);
  const offset = (template.line ?? 1) - 1;
  const lineAt = (index: number): number | undefined => {
    const line = lines[index];
    return line === undefined ? undefined : line + offset;
  };
  const using = parameters ? ` with ${parameters.file}` : '';
  for (const [i, d] of expanded.diagnostics.entries()) {
    const line = lineAt(expanded.resources.length + i);
    diagnostics.push({
      level: d.level,
      code: 'arm.template',
      message: `${d.message} (at ${pointerText(d.pointer)}${using})`,
      location: { file: template.file, ...(line === undefined ? {} : { line }) },
    });
  }
  const resources: Resource[] = [];
  for (const [i, r] of expanded.resources.entries()) {
    if (r.existing) {
      continue; // a reference to a resource deployed elsewhere: not part of this deployment
    }
    const line = lineAt(i);
    const source: SourceRef = {
      file: template.file,
      ...(line === undefined ? {} : { line }),
      ...(parameters ? { parameters: parameters.file } : {}),
    };
    resources.push(azureResource(viewOf(r), source));
  }
  return { resources, diagnostics };
}

function viewOf(r: TemplateResource): AzureView {
  const type = canonicalType(r.type);
  const name = typeof r.name === 'string' ? r.name : r.displayName;
  const segments = type.split('/');
  const names = name.split('/');
  const object = r.object;
  const properties = object.properties;
  const scope = object.scope;
  const location = object.location;
  const unknownProperties = isUnresolved(properties);
  return {
    ...(typeof r.id === 'string' ? { id: r.id } : {}),
    type,
    name,
    ...(typeof location === 'string' ? { location } : {}),
    ...(r.apiVersion === undefined ? {} : { apiVersion: r.apiVersion }),
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(segments.length > 2 && names.length > 1
      ? { parent: { type: canonicalType(segments.slice(0, -1).join('/')), name: names.slice(0, -1).join('/') } }
      : {}),
    arm: { ...object, type, name, properties: isRecord(properties) ? properties : {} },
    origin: 'template',
    ...(unknownProperties
      ? {
          propertiesUnknown: true,
          propertiesUnknownReason: `the template sets properties to ${properties.expression}, which ${properties.reason}`,
        }
      : {}),
    ...(r.condition === undefined ? {} : { condition: r.condition }),
  };
}

/** Expand every template with its paired (or given) parameter files. */
export function expandTemplates(
  templates: readonly TemplateInput[],
  parameterFiles: readonly ParametersFile[],
  explicit: readonly ParametersFile[] = [],
): { resources: Resource[]; diagnostics: Diagnostic[] } {
  const resources: Resource[] = [];
  const diagnostics: Diagnostic[] = [];
  const used = new Set<string>();
  for (const template of templates) {
    const pairs = explicit.length > 0 ? explicit : pairedParameters(template.file, parameterFiles);
    for (const p of pairs) {
      used.add(p.file);
    }
    for (const parameters of pairs.length > 0 ? pairs : [undefined]) {
      const out = templateResources(template, parameters);
      resources.push(...out.resources);
      diagnostics.push(...out.diagnostics);
    }
  }
  for (const p of parameterFiles) {
    if (!used.has(p.file) && explicit.length === 0) {
      diagnostics.push({
        level: 'warning',
        code: 'arm.parameters-unpaired',
        message: `ARM parameters file matches no template in the input (expected a template named ${join(dirname(p.file), `${basename(p.file).replace(/\.parameters(\..*)?\.json$/i, '')}.json`)}); pass it with --parameters`,
        location: { file: p.file },
      });
    }
  }
  return { resources, diagnostics };
}
