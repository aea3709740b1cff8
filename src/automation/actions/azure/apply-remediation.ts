/**
 * azure:apply-remediation: applies the ARM merge patch a posture check gives as the fix of a failed
 * Azure finding (`remediation.armPatch`, its placeholders already rendered for the resource, at
 * `remediation.armApiVersion`), after reading the resource to see whether it is still needed.
 * Undo restores the previous values of exactly the paths the patch set.
 */
import { z } from 'zod';
import { ARM_API_VERSION } from '../../arm.ts';
import { ActionError, defineAction, describeTarget, type PermissionScope, type Target } from '../../types.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const params = z.strictObject({
  apiVersion: z
    .string()
    .regex(ARM_API_VERSION, 'apiVersion must be an ARM api-version: YYYY-MM-DD or YYYY-MM-DD-preview')
    .optional()
    .describe("Overrides the check's armApiVersion (the API version the patch is sent with)."),
});

type Params = z.infer<typeof params>;

const undoData = z.object({
  id: z.string(),
  apiVersion: z.string().regex(ARM_API_VERSION),
  /** The merge patch that was applied. */
  patch: z.record(z.string(), z.unknown()),
  /** The merge patch that puts the previous values back (null: absent before). */
  restore: z.record(z.string(), z.unknown()),
});

/** Placeholders `azureRemediation` fills in, and `<value>` slots the check leaves to people. */
const RENDERED_PLACEHOLDER = /\{(?:name|resourceGroup|subscriptionId|id|parentName)\}/;
const MANUAL_PLACEHOLDER = /^<[^<>]+>$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** One value a merge patch sets: objects are walked into, anything else (null, arrays) is a leaf. */
interface Leaf {
  readonly path: readonly string[];
  readonly value: Json;
}

function leaves(patch: JsonObject, prefix: readonly string[] = []): Leaf[] {
  return Object.entries(patch).flatMap(([key, value]) =>
    isObject(value) && Object.keys(value).length > 0
      ? leaves(value, [...prefix, key])
      : [{ path: [...prefix, key], value }],
  );
}

function valueAt(object: unknown, path: readonly string[]): Json | undefined {
  let at: unknown = object;
  for (const key of path) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at as Json;
}

/**
 * Whether the object already holds what the merge patch would make it hold: null means absent (or
 * null), an empty object means an object, anything else must be equal. `ignoreNulls` skips the
 * removals (ARM resource providers often treat null in a PATCH as "leave unchanged").
 */
function holds(object: unknown, patch: JsonObject, ignoreNulls = false): Leaf[] {
  return leaves(patch).filter(({ path, value }) => {
    const current = valueAt(object, path);
    if (value === null) return !ignoreNulls && current !== undefined && current !== null;
    if (isObject(value)) return !isObject(current);
    return !deepEqual(current, value);
  });
}

function setAt(target: JsonObject, path: readonly string[], value: Json): void {
  let at = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (isObject(next)) at = next;
    else {
      const created: JsonObject = {};
      at[key] = created;
      at = created;
    }
  }
  at[path[path.length - 1] as string] = value;
}

/** The merge patch restoring the previous values of exactly the paths `patch` sets (absent → null). */
function restorePatch(previous: unknown, patch: JsonObject): JsonObject {
  const restore: JsonObject = {};
  for (const { path } of leaves(patch)) {
    const before = valueAt(previous, path);
    setAt(restore, path, before === undefined ? null : structuredClone(before));
  }
  return restore;
}

function show(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** 'properties.allowBlobPublicAccess to false (was true)', for each leaf. */
function changes(patch: JsonObject, before: unknown): string {
  return leaves(patch)
    .map(({ path, value }) =>
      value === null
        ? `removed ${path.join('.')} (was ${show(valueAt(before, path))})`
        : `${path.join('.')} to ${JSON.stringify(value)} (was ${show(valueAt(before, path))})`,
    )
    .join(', ');
}

function placeholderIn(text: string, patch: Json): string | undefined {
  const rendered = RENDERED_PLACEHOLDER.exec(text)?.[0];
  if (rendered) return rendered;
  const walk = (value: Json): string | undefined => {
    if (typeof value === 'string') return MANUAL_PLACEHOLDER.test(value) ? value : undefined;
    if (Array.isArray(value)) return value.map(walk).find((x) => x !== undefined);
    if (isObject(value))
      return Object.values(value)
        .map(walk)
        .find((x) => x !== undefined);
    return undefined;
  };
  return walk(patch);
}

function azureId(target: Target): string | undefined {
  return target.type === 'azure' ? target.id : undefined;
}

export const applyRemediation = defineAction<Params>({
  meta: {
    id: 'azure:apply-remediation',
    slug: 'apply-remediation',
    provider: 'azure',
    title: "Apply a posture check's ARM remediation patch to the failing Azure resource",
    description:
      'PATCHes the Azure resource of a failed finding with the JSON merge patch its check gives as the fix (remediation.armPatch, at remediation.armApiVersion), unless the resource already holds those values. Undo puts back the previous values of the patched properties.',
    targets: ['azure'],
    undoable: true,
    disruptive: false,
    permissions: { azure: ['*/read', '*/write'] },
  },
  params,

  permissionsFor(_params: Params, scope: PermissionScope) {
    if (scope.azureTypes.length === 0) return { azure: ['*/read', '*/write'] };
    return { azure: [...new Set(scope.azureTypes.flatMap((type) => [`${type}/read`, `${type}/write`]))] };
  },

  async run(input, ctx) {
    const { subject, target } = input;
    if (subject.type !== 'finding') {
      return {
        result: 'skipped',
        reason: `${subject.ruleId} alert "${subject.title}" is not a posture finding: azure:apply-remediation applies the fix of failed checks only`,
      };
    }
    const { finding } = subject;
    const check = finding.checkId;
    const id = azureId(target);
    if (id === undefined) {
      return {
        result: 'skipped',
        reason:
          target.type === 'none'
            ? `${describeTarget(target)}: there is no Azure resource to PATCH for check ${check}; fix the template: ${finding.remediation.summary}`
            : `${describeTarget(target)} is not an Azure resource: azure:apply-remediation does not apply check ${check}`,
      };
    }
    if (finding.status !== 'fail') {
      return {
        result: 'skipped',
        reason: `check ${check} did not fail on ${id} (finding is ${finding.status}): nothing to remediate`,
      };
    }
    const { remediation } = finding;
    if (remediation.armPatch === undefined) {
      return { result: 'skipped', reason: `check ${check} has no ARM patch; fix it by hand: ${remediation.summary}` };
    }
    const apiVersion = input.params.apiVersion ?? remediation.armApiVersion;
    if (apiVersion === undefined) {
      return {
        result: 'skipped',
        reason: `check ${check} has an ARM patch but no api-version (set params.apiVersion); fix it by hand: ${remediation.summary}`,
      };
    }
    let patch: unknown;
    try {
      patch = JSON.parse(remediation.armPatch);
    } catch (error) {
      throw new ActionError(`check ${check} has an ARM patch that is not JSON: ${(error as Error).message}`);
    }
    if (!isObject(patch) || Object.keys(patch).length === 0) {
      throw new ActionError(
        `check ${check} has an ARM patch that is not a non-empty JSON object: ${remediation.armPatch}`,
      );
    }
    const placeholder = placeholderIn(remediation.armPatch, patch);
    if (placeholder !== undefined) {
      return {
        result: 'skipped',
        reason: `the ARM patch of check ${check} for ${id} still holds the placeholder ${placeholder}; fill it in and apply it by hand: ${remediation.armPatch}`,
      };
    }

    const arm = await ctx.arm();
    const current = await arm.get(id, apiVersion);
    if (current === undefined) {
      return {
        result: 'skipped',
        reason: `${id} no longer exists (GET answered 404): nothing to remediate for check ${check}`,
      };
    }
    const missing = holds(current, patch);
    if (missing.length === 0) {
      return {
        result: 'skipped',
        reason: `${id} already has ${leaves(patch)
          .map((l) => `${l.path.join('.')}=${JSON.stringify(l.value)}`)
          .join(', ')}: the fix of check ${check} is in place`,
      };
    }
    const body = JSON.stringify(patch);
    if (input.dryRun) {
      return {
        result: 'planned',
        reason: `would PATCH ${id}?api-version=${apiVersion} with ${body}, setting ${changes(patch, current)} (check ${check}: ${remediation.summary})`,
      };
    }
    const after = await arm.patch(id, apiVersion, patch);
    const notSet = holds(after, patch);
    if (notSet.length > 0) {
      throw new ActionError(
        `PATCH ${id}?api-version=${apiVersion} with ${body} was accepted, but the resource still has ${notSet
          .map((l) => `${l.path.join('.')}=${show(valueAt(after, l.path))}`)
          .join(', ')}`,
      );
    }
    return {
      result: 'applied',
      reason: `patched ${id} (api-version ${apiVersion}): ${changes(patch, current)}, the fix of check ${check} "${finding.title}"`,
      undo: { id, apiVersion, patch, restore: restorePatch(current, patch) },
    };
  },

  async undo(input, ctx) {
    const parsed = undoData.safeParse(input.data);
    if (!parsed.success) {
      throw new ActionError(`the undo data of azure:apply-remediation is not valid: ${z.prettifyError(parsed.error)}`);
    }
    const { id, apiVersion } = parsed.data;
    const patch = parsed.data.patch as JsonObject;
    const restore = parsed.data.restore as JsonObject;
    const arm = await ctx.arm();
    const current = await arm.get(id, apiVersion);
    if (current === undefined) {
      return { result: 'skipped', reason: `${id} no longer exists (GET answered 404): nothing to restore` };
    }
    const changed = holds(current, patch);
    if (changed.length > 0) {
      return {
        result: 'skipped',
        reason: `${id} changed since the remediation (${changed
          .map((l) => `${l.path.join('.')} is now ${show(valueAt(current, l.path))}, not ${JSON.stringify(l.value)}`)
          .join(', ')}): not restored, to keep the later change`,
      };
    }
    const body = JSON.stringify(restore);
    if (input.dryRun) {
      return {
        result: 'planned',
        reason: `would PATCH ${id}?api-version=${apiVersion} with ${body}, putting back ${changes(restore, current)}`,
      };
    }
    const after = await arm.patch(id, apiVersion, restore);
    const notRestored = holds(after, restore, true);
    if (notRestored.length > 0) {
      throw new ActionError(
        `PATCH ${id}?api-version=${apiVersion} with ${body} was accepted, but the resource still has ${notRestored
          .map((l) => `${l.path.join('.')}=${show(valueAt(after, l.path))}`)
          .join(', ')}`,
      );
    }
    return {
      result: 'applied',
      reason: `restored ${id} (api-version ${apiVersion}): ${changes(restore, current)}`,
    };
  },
});
