/**
 * Mutation (issue #5, item 5): JSON patches (RFC 6902) that add secure defaults to the pod
 * template of a workload whose namespace opted in with the label `palisade.io/mutate: "true"`:
 *
 * - pod `securityContext.seccompProfile.type: RuntimeDefault`;
 * - per container (init, regular, ephemeral) `securityContext.allowPrivilegeEscalation: false`
 *   and `securityContext.capabilities.drop: ["ALL"]` (when there is no drop list);
 * - per container `securityContext.runAsNonRoot: true` where the image allows it: the container
 *   (or else the pod) sets a non-zero runAsUser, or the image is listed as running as non-root.
 *
 * Only fields that are unset are added; a value the user set is never changed, so mutating an
 * already mutated object gives no patch (webhook reinvocation is harmless). Defaults that would
 * make the object invalid are left out: allowPrivilegeEscalation on a privileged container or one
 * that adds CAP_SYS_ADMIN (API validation refuses both), capabilities on a privileged container,
 * seccomp when the legacy seccomp pod annotation is set, and everything on Windows pods (the API
 * refuses these Linux fields there). runAsNonRoot is never set when the effective runAsUser is 0.
 *
 * Pods are mutated at CREATE only (their pod spec is immutable); controllers at CREATE and at an
 * UPDATE that changes the pod template (a rollout happens anyway). Paths are RFC 6901 JSON
 * Pointers into the request's object; missing parents are created with `add` before their
 * children. A dry-run request gets the same patch (the API server discards it).
 */
import { isDeepStrictEqual } from 'node:util';
import { MUTATION_DEFAULTS, type MutationDefault, PodSpec } from '#core';
import { workloadKind } from '#inventory';
import { parseImageReference } from '#posture';
import { imageMatches } from './image-gate.ts';
import { AdmissionRequest, type JsonPatchOperation } from './review.ts';

/** The namespace label that opts a namespace into mutation (value "true"). */
export const MUTATE_LABEL = 'palisade.io/mutate';
/** Audit annotation keys (no '/': the API server prefixes them with the webhook name). */
export const MUTATION_ANNOTATIONS = { changed: 'mutations', skipped: 'mutations-skipped' } as const;

const LEGACY_SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';

export interface MutationOptions {
  /** The labels of the request's namespace (only `palisade.io/mutate: "true"` opts in). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Which defaults to add (default: all). */
  readonly defaults?: readonly MutationDefault[];
  /** Images known to run as a non-root user (image gate globs): their containers get runAsNonRoot. */
  readonly nonRootImages?: readonly string[];
}

export interface MutationResult {
  /** The JSON Patch for the response (empty when nothing changes). */
  readonly patch: readonly JsonPatchOperation[];
  /** `mutations`: what was added; `mutations-skipped`: defaults left out and why. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Why the request was not mutated at all (not opted in, operation, kind, ...). */
  readonly skipped?: string;
}

type Segment = string | number;

/** RFC 6901 JSON Pointer of a path: '~' is written '~0' and '/' '~1'. */
export function jsonPointer(segments: readonly Segment[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: unknown, path: readonly Segment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      node = Array.isArray(node) ? node[segment] : undefined;
    } else {
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return node;
}

interface Addition {
  readonly path: readonly Segment[];
  readonly value: unknown;
}

/**
 * The `add` operations that set each addition's leaf, creating missing parent objects first.
 * Works on a copy so that later additions see the parents earlier ones created. A leaf that is
 * already set, or a parent that is not an object, is left alone.
 */
function plan(object: Record<string, unknown>, additions: readonly Addition[]): JsonPatchOperation[] {
  const copy = structuredClone(object);
  const ops: JsonPatchOperation[] = [];
  for (const addition of additions) {
    let node: unknown = copy;
    for (let i = 0; i < addition.path.length; i++) {
      const segment = addition.path[i] as Segment;
      const last = i === addition.path.length - 1;
      if (typeof segment === 'number') {
        if (!Array.isArray(node) || node[segment] === undefined) {
          break; // containers are never created
        }
        node = node[segment];
        continue;
      }
      if (!isRecord(node)) {
        break;
      }
      if (node[segment] === undefined) {
        let value: unknown = addition.value;
        for (let j = addition.path.length - 1; j > i; j--) {
          value = { [String(addition.path[j])]: value };
        }
        node[segment] = structuredClone(value);
        ops.push({ op: 'add', path: jsonPointer(addition.path.slice(0, i + 1)), value });
        break;
      }
      if (last) {
        break; // set by the user: never overwritten
      }
      node = node[segment];
    }
  }
  return ops;
}

const CONTAINER_FIELDS = [
  ['initContainers', 'init container'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

function addsSysAdmin(add: readonly string[] | undefined): boolean {
  return (add ?? []).some((c) => c.toUpperCase().replace(/^CAP_/, '') === 'SYS_ADMIN');
}

function skip(reason: string): MutationResult {
  return { patch: [], annotations: {}, skipped: reason };
}

/** The patch that adds Palisade's secure defaults to the workload of an AdmissionReview request. Never throws. */
export function mutateRequest(input: unknown, options: MutationOptions = {}): MutationResult {
  const parsed = AdmissionRequest.safeParse(input);
  if (!parsed.success) {
    return skip('not an AdmissionReview request');
  }
  const request = parsed.data;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return skip(`operation ${request.operation}`);
  }
  if ((request.subResource ?? '') !== '') {
    return skip(`subresource ${request.resource.resource}/${request.subResource}`);
  }
  const { kind, group } = request.kind;
  const workload = workloadKind(kind, group);
  if (!workload) {
    return skip(`kind ${group ? `${kind}.${group}` : kind} is not a workload`);
  }
  if (options.namespaceLabels?.[MUTATE_LABEL] !== 'true') {
    return skip(`namespace has no ${MUTATE_LABEL}: "true" label`);
  }
  const object = request.object;
  if (!isRecord(object)) {
    return skip('the request has no object');
  }
  const templatePath: readonly Segment[] = workload.templatePath;
  const template = at(object, templatePath);
  if (request.operation === 'UPDATE') {
    if (kind === 'Pod') {
      return skip('a pod spec cannot change after creation');
    }
    if (isDeepStrictEqual(template, at(request.oldObject, templatePath))) {
      return skip('pod template unchanged');
    }
  }
  const specPath = [...templatePath, 'spec'];
  const rawSpec = at(object, specPath);
  const spec = PodSpec.safeParse(rawSpec);
  if (!isRecord(rawSpec) || !spec.success) {
    return skip('the object has no valid pod spec');
  }
  if (isRecord(spec.data.os) && spec.data.os.name === 'windows') {
    return skip('Windows pod (the Linux security fields are not allowed there)');
  }
  const wanted = new Set<MutationDefault>(options.defaults ?? MUTATION_DEFAULTS);
  const additions: Addition[] = [];
  const changes: string[] = [];
  const skipped: string[] = [];
  const podContext = spec.data.securityContext;

  if (wanted.has('seccompProfile') && podContext?.seccompProfile === undefined) {
    const annotations = at(object, [...templatePath, 'metadata', 'annotations']);
    if (isRecord(annotations) && annotations[LEGACY_SECCOMP_POD_ANNOTATION] !== undefined) {
      skipped.push(`pod: seccompProfile (the ${LEGACY_SECCOMP_POD_ANNOTATION} annotation is set)`);
    } else {
      additions.push({ path: [...specPath, 'securityContext', 'seccompProfile', 'type'], value: 'RuntimeDefault' });
      changes.push('pod: seccompProfile.type=RuntimeDefault');
    }
  }

  for (const [field, label] of CONTAINER_FIELDS) {
    for (const [i, container] of (spec.data[field] ?? []).entries()) {
      const base = [...specPath, field, i, 'securityContext'];
      const context = container.securityContext;
      const privileged = context?.privileged === true;
      const who = `${label} "${container.name}"`;
      const added: string[] = [];
      if (wanted.has('allowPrivilegeEscalation') && context?.allowPrivilegeEscalation === undefined) {
        if (privileged || addsSysAdmin(context?.capabilities?.add)) {
          skipped.push(`${who}: allowPrivilegeEscalation (${privileged ? 'privileged' : 'adds CAP_SYS_ADMIN'})`);
        } else {
          additions.push({ path: [...base, 'allowPrivilegeEscalation'], value: false });
          added.push('allowPrivilegeEscalation=false');
        }
      }
      if (wanted.has('dropCapabilities') && context?.capabilities?.drop === undefined) {
        if (privileged) {
          skipped.push(`${who}: capabilities.drop (privileged)`);
        } else {
          additions.push({ path: [...base, 'capabilities', 'drop'], value: ['ALL'] });
          added.push('capabilities.drop=[ALL]');
        }
      }
      if (wanted.has('runAsNonRoot') && context?.runAsNonRoot === undefined && podContext?.runAsNonRoot === undefined) {
        const uid = context?.runAsUser ?? podContext?.runAsUser;
        const image = container.image === undefined ? undefined : parseImageReference(container.image);
        const listed =
          image?.valid === true &&
          options.nonRootImages !== undefined &&
          imageMatches(image.reference, options.nonRootImages);
        if (uid === 0) {
          if (listed) {
            skipped.push(`${who}: runAsNonRoot (runAsUser is 0)`);
          }
        } else if ((typeof uid === 'number' && uid > 0) || listed) {
          additions.push({ path: [...base, 'runAsNonRoot'], value: true });
          added.push('runAsNonRoot=true');
        }
      }
      if (added.length > 0) {
        changes.push(`${who}: ${added.join(', ')}`);
      }
    }
  }

  const patch = plan(object, additions);
  const annotations: Record<string, string> = {};
  if (patch.length > 0) {
    annotations[MUTATION_ANNOTATIONS.changed] = changes.join('; ');
  }
  if (skipped.length > 0) {
    annotations[MUTATION_ANNOTATIONS.skipped] = skipped.join('; ');
  }
  return { patch, annotations };
}
