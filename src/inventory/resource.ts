/**
 * Turn one decoded object into a Resource: check its envelope, find its pod template,
 * validate the pod fields checks read. Problems become diagnostics; a workload whose pod
 * template is invalid is kept (with `podError`) so that its checks report 'error', not silence.
 */

import type { z } from 'zod';
import {
  compileGuard,
  type Diagnostic,
  KubeObject,
  ObjectMeta,
  PodSpec,
  type PodView,
  type Resource,
  type SourceRef,
} from '#core';
import { CLUSTER_SCOPED_KINDS, groupOf, workloadKind } from './kinds.ts';

export interface ToResourceResult {
  readonly resource?: Resource;
  readonly diagnostics: readonly Diagnostic[];
}

// Fast, non-copying validity tests derived from the zod schemas; zod explains failures.
const isKubeObject = compileGuard(KubeObject);
const isPodSpec = compileGuard(PodSpec);
const isObjectMeta = compileGuard(ObjectMeta);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text ? '.' : ''}${String(segment)}`;
  }
  return text;
}

function issuesToText(prefix: string, error: z.ZodError): { message: string; path: string }[] {
  return error.issues.map((issue) => ({ path: issuePath(prefix, issue.path), message: issue.message }));
}

/** What the document is, for messages: 'document 3' or 'item 12 of the List'. */
export function describeSource(source: SourceRef): string {
  return source.document === undefined ? 'the object' : `document ${source.document + 1}`;
}

export function toResource(value: unknown, source: SourceRef): ToResourceResult {
  const location = { file: source.file, ...(source.line === undefined ? {} : { line: source.line }) };
  if (!isRecord(value)) {
    return {
      diagnostics: [
        {
          level: 'error',
          code: 'manifest.not-an-object',
          message: `${describeSource(source)} is a ${Array.isArray(value) ? 'sequence' : typeof value}, not a Kubernetes object`,
          location,
        },
      ],
    };
  }
  const envelope = isKubeObject(value) ? undefined : KubeObject.safeParse(value);
  if (envelope && !envelope.success) {
    const problems = issuesToText('', envelope.error)
      .map((p) => `${p.path || '(root)'}: ${p.message}`)
      .join('; ');
    return {
      diagnostics: [
        {
          level: 'error',
          code: 'manifest.invalid-envelope',
          message: `${describeSource(source)} is not a Kubernetes object (${problems})`,
          location,
        },
      ],
    };
  }
  const object = value as KubeObject;
  const diagnostics: Diagnostic[] = [];
  const metadata = object.metadata ?? {};
  const group = groupOf(object.apiVersion);
  let name = metadata.name;
  if (!name) {
    name = metadata.generateName ? `${metadata.generateName}*` : `(unnamed ${object.kind})`;
    if (!metadata.generateName) {
      diagnostics.push({
        level: 'warning',
        code: 'manifest.no-name',
        message: `${object.kind} in ${describeSource(source)} has no metadata.name; it is scanned as "${name}"`,
        location,
      });
    }
  }
  const namespace = CLUSTER_SCOPED_KINDS.has(object.kind) ? undefined : metadata.namespace;
  const key = `${group}/${object.kind}/${namespace ?? ''}/${name}`;
  const workload = workloadKind(object.kind, group);
  const pod = workload ? podOf(object, workload.templatePath) : undefined;
  if (typeof pod === 'string') {
    diagnostics.push({
      level: 'error',
      code: 'manifest.invalid-pod-template',
      message: `${object.kind} "${name}": ${pod}; its workload checks report an error`,
      location,
    });
  }
  // One object per resource, built once, and every resource of the same shape (absent fields are
  // undefined rather than missing): the checks read `resource.pod`, `.namespace`, `.kind` on
  // 50,000 objects, and one hidden class keeps those reads monomorphic.
  return {
    resource: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      group,
      name,
      namespace,
      object,
      source,
      key,
      pod: typeof pod === 'string' ? undefined : pod,
      podError: typeof pod === 'string' ? pod : undefined,
    },
    diagnostics,
  };
}

function podOf(object: KubeObject, templatePath: readonly string[]): PodView | string {
  let node: unknown = object;
  for (const segment of templatePath) {
    node = isRecord(node) ? node[segment] : undefined;
  }
  const prefix = templatePath.join('.');
  const metadataPath = prefix ? `${prefix}.metadata` : 'metadata';
  const specPath = prefix ? `${prefix}.spec` : 'spec';
  if (!isRecord(node) || !isRecord(node.spec)) {
    return `has no pod spec at ${specPath}`;
  }
  if (!isPodSpec(node.spec)) {
    const parsed = PodSpec.safeParse(node.spec);
    return parsed.success ? `${specPath}: invalid` : explain(specPath, parsed.error);
  }
  const metadata = node.metadata ?? {};
  if (!isObjectMeta(metadata)) {
    const parsed = ObjectMeta.safeParse(metadata);
    return parsed.success ? `${metadataPath}: invalid` : explain(metadataPath, parsed.error);
  }
  return { metadata: metadata as ObjectMeta, spec: node.spec as PodSpec, specPath, metadataPath };
}

function explain(prefix: string, error: z.ZodError): string {
  return issuesToText(prefix, error)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
}
