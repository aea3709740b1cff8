/**
 * Namespace labels for the webhook. The API server does not send the namespace's labels with an
 * AdmissionReview; Pod Security Admission reads them from its informer cache. `admission serve`
 * reads them live from the API (namespace-watch.ts, `--namespace-labels-from-api`) or, here, from
 * a file of Namespace objects (`--namespace-labels-file`): YAML or JSON, one or several documents,
 * or a List (`oc get namespaces -o yaml`). Problems throw InputError naming the file and the place.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type Diagnostic, formatLocation, InputError, type SourceRef } from '#core';
import { decode } from '#inventory';

const NamespaceObject = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: z.looseObject({
    name: z.string().min(1),
    labels: z.record(z.string(), z.string()).nullish(),
  }),
});

/** Namespace name → labels. */
export type NamespaceLabelMap = ReadonlyMap<string, Readonly<Record<string, string>>>;

function where(source: SourceRef): string {
  const document = source.document === undefined ? '' : ` (document ${source.document + 1})`;
  return `${formatLocation({ file: source.file, ...(source.line === undefined ? {} : { line: source.line }) })}${document}`;
}

/** The labels of every Namespace in a file's text; throws InputError at the first problem. */
export function parseNamespaceLabels(text: string, file: string): NamespaceLabelMap {
  const decoded = decode(text, file);
  const error = decoded.diagnostics.find((d: Diagnostic) => d.level === 'error');
  if (error) {
    throw new InputError('input.invalid', `${formatLocation(error.location ?? { file })}: ${error.message}`, {
      location: error.location ?? { file },
    });
  }
  const labels = new Map<string, Readonly<Record<string, string>>>();
  for (const { value, source } of decoded.objects) {
    const parsed = NamespaceObject.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.map(String).join('.') || '(root)';
      throw new InputError(
        'input.invalid',
        `${where(source)}: not a v1 Namespace: ${path}: ${issue?.message ?? 'invalid'}`,
        { location: source },
      );
    }
    const { name } = parsed.data.metadata;
    if (labels.has(name)) {
      throw new InputError('input.invalid', `${where(source)}: Namespace "${name}" appears twice`, {
        location: source,
      });
    }
    labels.set(name, Object.freeze({ ...(parsed.data.metadata.labels ?? {}) }));
  }
  if (labels.size === 0) {
    throw new InputError('input.invalid', `${file}: no Namespace object found`, { location: { file } });
  }
  return labels;
}

/** Reads and parses a file of Namespace objects (InputError naming the file when it cannot). */
export async function readNamespaceLabels(file: string): Promise<NamespaceLabelMap> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'input.not-found',
      `${file}: cannot read the namespace labels file: ${(error as Error).message}`,
      {
        location: { file },
      },
    );
  }
  return parseNamespaceLabels(text, file);
}
