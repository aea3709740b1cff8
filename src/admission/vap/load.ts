/**
 * Loads ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding and parameter objects from
 * YAML/JSON files and directories (multi-document, Lists), through #inventory's manifest loader.
 * Every other object in the files is kept as a possible parameter object (found through a
 * policy's paramKind) and Namespace objects also supply namespace labels for namespaceSelector.
 *
 * Each refused object is one diagnostic naming the file, the line and the field path: a policy
 * or binding that does not validate, a policy whose CEL does not compile (naming the expression,
 * e.g. spec.validations[2].expression, and the CEL error). The other objects still load. A
 * binding naming a policy that is not loaded is kept (the policy may come later) with a warning.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { Collected, Diagnostic, Resource, SourceRef } from '#core';
import { loadManifests } from '#inventory';
import { type CompiledPolicyExpressions, compilePolicyExpressions, PolicyCompileError } from './compile.ts';
import { type Labels, labelsOf } from './match.ts';
import { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './schema.ts';

export interface LoadedPolicy extends CompiledPolicyExpressions {
  readonly name: string;
  readonly policy: ValidatingAdmissionPolicy;
  readonly source: SourceRef;
}

export interface LoadedBinding {
  readonly name: string;
  readonly binding: ValidatingAdmissionPolicyBinding;
  readonly source: SourceRef;
}

/** A possible parameter object (any object that is neither a policy nor a binding). */
export interface ParamObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Labels;
  readonly object: unknown;
  readonly source: SourceRef;
}

export interface PolicySet {
  /** By policy name. */
  readonly policies: ReadonlyMap<string, LoadedPolicy>;
  /** In name order. */
  readonly bindings: readonly LoadedBinding[];
  readonly objects: readonly ParamObject[];
}

const POLICY_GROUP = 'admissionregistration.k8s.io';

function zodPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function zodDiagnostic(kind: string, name: string, error: z.ZodError, source: SourceRef): Diagnostic {
  const issue = error.issues[0];
  const path = issue ? zodPath(issue.path) : '';
  return {
    level: 'error',
    code: 'vap.invalid',
    message: `${kind} "${name}" is invalid at ${path || '(root)'}: ${issue?.message ?? 'invalid'}; it was not loaded`,
    location: { file: source.file, ...(source.line === undefined ? {} : { line: source.line }), path },
  };
}

/** The line of an expression's text at or after the object's first line (best effort). */
function expressionLine(text: string | undefined, source: SourceRef, expression: string): number | undefined {
  const start = source.line ?? 1;
  const needle = expression
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  if (text === undefined || !needle) {
    return source.line;
  }
  const lines = text.split('\n');
  for (let i = start - 1; i < lines.length; i++) {
    if (lines[i]?.includes(needle)) {
      return i + 1;
    }
  }
  return source.line;
}

/** Builds a policy set from loaded resources; `texts` (file → content) give expression lines. */
export function buildPolicySet(
  resources: readonly Resource[],
  texts: ReadonlyMap<string, string> = new Map(),
): Collected<PolicySet> {
  const diagnostics: Diagnostic[] = [];
  const policies = new Map<string, LoadedPolicy>();
  const bindings = new Map<string, LoadedBinding>();
  const objects: ParamObject[] = [];
  for (const resource of resources) {
    const { source } = resource;
    const isPolicyKind = resource.group === POLICY_GROUP;
    if (isPolicyKind && resource.kind === 'ValidatingAdmissionPolicy') {
      const parsed = ValidatingAdmissionPolicy.safeParse(resource.object);
      if (!parsed.success) {
        diagnostics.push(zodDiagnostic(resource.kind, resource.name, parsed.error, source));
        continue;
      }
      try {
        const compiled = compilePolicyExpressions(parsed.data);
        if (policies.has(parsed.data.metadata.name)) {
          diagnostics.push({
            level: 'warning',
            code: 'vap.duplicate',
            message: `ValidatingAdmissionPolicy "${parsed.data.metadata.name}" is defined again; this definition replaces the earlier one`,
            location: { file: source.file, ...(source.line === undefined ? {} : { line: source.line }) },
          });
        }
        policies.set(parsed.data.metadata.name, {
          name: parsed.data.metadata.name,
          policy: parsed.data,
          source,
          ...compiled,
        });
      } catch (err) {
        if (!(err instanceof PolicyCompileError)) {
          throw err;
        }
        const line = expressionLine(texts.get(source.file), source, err.expression);
        diagnostics.push({
          level: 'error',
          code: 'vap.compile',
          message: `ValidatingAdmissionPolicy "${parsed.data.metadata.name}": ${err.message}; the policy was not loaded`,
          location: { file: source.file, ...(line === undefined ? {} : { line }), path: err.path },
        });
      }
      continue;
    }
    if (isPolicyKind && resource.kind === 'ValidatingAdmissionPolicyBinding') {
      const parsed = ValidatingAdmissionPolicyBinding.safeParse(resource.object);
      if (!parsed.success) {
        diagnostics.push(zodDiagnostic(resource.kind, resource.name, parsed.error, source));
        continue;
      }
      bindings.set(parsed.data.metadata.name, { name: parsed.data.metadata.name, binding: parsed.data, source });
      continue;
    }
    objects.push({
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      name: resource.name,
      ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
      labels: labelsOf(resource.object),
      object: resource.object,
      source,
    });
  }
  const sorted = [...bindings.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const binding of sorted) {
    if (!policies.has(binding.binding.spec.policyName)) {
      diagnostics.push({
        level: 'warning',
        code: 'vap.unknown-policy',
        message: `ValidatingAdmissionPolicyBinding "${binding.name}" refers to policy "${binding.binding.spec.policyName}", which is not loaded; the binding has no effect`,
        location: {
          file: binding.source.file,
          ...(binding.source.line === undefined ? {} : { line: binding.source.line }),
          path: 'spec.policyName',
        },
      });
    }
  }
  return { value: { policies, bindings: sorted, objects }, diagnostics };
}

/**
 * Loads policies, bindings and parameter objects from files and directories. Throws InputError
 * only when a path does not exist; everything else is a diagnostic.
 */
export async function loadPolicies(paths: readonly string[]): Promise<Collected<PolicySet>> {
  const loaded = await loadManifests(paths);
  const texts = new Map<string, string>();
  for (const file of new Set(loaded.resources.map((r) => r.source.file))) {
    try {
      texts.set(file, await readFile(file, 'utf8'));
    } catch {
      // Only used to point at an expression's line; the object's line is used instead.
    }
  }
  const built = buildPolicySet(loaded.resources, texts);
  return { value: built.value, diagnostics: [...loaded.diagnostics, ...built.diagnostics] };
}
