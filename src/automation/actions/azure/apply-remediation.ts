/**
 * azure:apply-remediation: applies the ARM merge patch a posture check gives as the fix of a failed
 * Azure finding, after reading the resource to see whether it is still needed.
 *
 * The patch and its api-version come from the check in Palisade's own registry (looked up by the
 * finding's check id), never from the finding: a report or a POST to `automate serve` cannot choose
 * what is written. Placeholders are filled in from the target's ARM id; a finding whose own
 * `remediation.armPatch` differs from the check's is refused, and so is a target whose type the
 * check does not address.
 * Undo restores the previous values of exactly the paths the patch set, except for changes Azure
 * does not allow reversing (Key Vault soft delete and purge protection).
 */
import { z } from 'zod';
import { parseArmId } from '#inventory';
import { checkRegistry } from '#posture';
import { ARM_API_VERSION } from '../../arm.ts';
import { armTypesOf } from '../../arm-types.ts';
import {
  ActionError,
  type ActionInput,
  type ActionOutcome,
  defineAction,
  describeTarget,
  type PermissionScope,
  type Target,
} from '../../types.ts';

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

/** Placeholders the id did not give a value for, and `<value>` slots the check leaves to people. */
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

function placeholderIn(patch: Json): string | undefined {
  const walk = (value: Json): string | undefined => {
    if (typeof value === 'string') {
      return RENDERED_PLACEHOLDER.exec(value)?.[0] ?? (MANUAL_PLACEHOLDER.test(value) ? value : undefined);
    }
    if (Array.isArray(value)) return value.map(walk).find((x) => x !== undefined);
    if (isObject(value)) {
      return Object.entries(value)
        .flatMap(([key, v]) => [RENDERED_PLACEHOLDER.exec(key)?.[0], walk(v)])
        .find((x) => x !== undefined);
    }
    return undefined;
  };
  return walk(patch);
}

function azureId(target: Target): string | undefined {
  return target.type === 'azure' ? target.id : undefined;
}

/** What an ARM id says: the values the check placeholders stand for, and the resource type. */
interface ArmIdParts {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  /** 'Microsoft.Storage/storageAccounts', 'Microsoft.Sql/servers/databases' for a child. */
  readonly type: string;
  /** The last segment. */
  readonly name: string;
  /** The parent resource's name, for a child type. */
  readonly parentName?: string;
}

/** The parts of an ARM resource id the placeholders stand for (read by the inventory's parseArmId). */
function armIdParts(id: string): ArmIdParts | undefined {
  const parsed = parseArmId(id);
  if (parsed?.subscriptionId === undefined || parsed.type === undefined) return undefined;
  const { names } = parsed;
  return {
    id,
    subscriptionId: parsed.subscriptionId,
    ...(parsed.resourceGroup === undefined ? {} : { resourceGroup: parsed.resourceGroup }),
    type: parsed.type,
    name: names[names.length - 1] as string,
    ...(names.length > 1 ? { parentName: names[names.length - 2] as string } : {}),
  };
}

const PLACEHOLDERS = /\{(name|resourceGroup|subscriptionId|id|parentName)\}/g;

function placeholderValue(key: string, parts: ArmIdParts): string | undefined {
  switch (key) {
    case 'name':
      return parts.name;
    case 'resourceGroup':
      return parts.resourceGroup;
    case 'subscriptionId':
      return parts.subscriptionId;
    case 'id':
      return parts.id;
    case 'parentName':
      return parts.parentName;
    default:
      return undefined;
  }
}

/**
 * The check's patch for one resource: its placeholders filled in, in keys and string values, from
 * the ARM id (values the id does not give stay as placeholders). Done on the parsed JSON, so a
 * value cannot change the patch's structure.
 */
function renderPatch(template: Json, parts: ArmIdParts): Json {
  const text = (value: string) => value.replace(PLACEHOLDERS, (m, key: string) => placeholderValue(key, parts) ?? m);
  if (typeof template === 'string') return text(template);
  if (Array.isArray(template)) return template.map((v) => renderPatch(v, parts));
  if (isObject(template)) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [text(k), renderPatch(v, parts)]));
  }
  return template;
}

/**
 * A check's ARM patch (JSON text) for the resource `id`, placeholders filled in; undefined when the
 * id is not an ARM resource id. Throws when the text is not JSON.
 */
export function renderCheckPatch(template: string, id: string): Json | undefined {
  const parts = armIdParts(id);
  return parts === undefined ? undefined : renderPatch(JSON.parse(template) as Json, parts);
}

/** Settings Azure does not let anyone turn off once on: a patch setting them cannot be undone. */
const IRREVERSIBLE: readonly { type: string; path: readonly string[]; value: Json; why: string }[] = [
  {
    type: 'Microsoft.KeyVault/vaults',
    path: ['properties', 'enablePurgeProtection'],
    value: true,
    why: 'Key Vault purge protection cannot be turned off once enabled',
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    path: ['properties', 'enableSoftDelete'],
    value: true,
    why: 'Key Vault soft delete cannot be turned off once enabled',
  },
];

/** Why a patch cannot be reversed, or undefined when it can. */
function irreversible(type: string, patch: JsonObject): string | undefined {
  const reasons = IRREVERSIBLE.filter(
    (rule) =>
      rule.type.toLowerCase() === type.toLowerCase() &&
      leaves(patch).some((l) => l.path.join('.') === rule.path.join('.') && deepEqual(l.value, rule.value)),
  ).map((rule) => rule.why);
  return reasons.length === 0 ? undefined : reasons.join('; ');
}

/** Every ARM type a check with an ARM patch targets: all this action can ever write. */
const PATCHABLE_TYPES: readonly string[] = [
  ...new Set(checkRegistry.items.filter((c) => c.meta.remediation.armPatch !== undefined).flatMap(armTypesOf)),
].sort();

function roleActions(types: readonly string[]): string[] {
  return [...new Set(types.flatMap((type) => [`${type}/read`, `${type}/write`]))];
}

/** Where a step notes, before its PATCH, the restore patch it computed (see ActionInput.state). */
const STATE_KEY = 'azure:apply-remediation';

/** The restore patch an earlier attempt of this step computed for the same PATCH, if any. */
function earlierRestore(
  state: Record<string, unknown>,
  id: string,
  apiVersion: string,
  patch: JsonObject,
): JsonObject | undefined {
  const parsed = undoData.safeParse(state[STATE_KEY]);
  if (!parsed.success) return undefined;
  const earlier = parsed.data;
  if (earlier.id !== id || earlier.apiVersion !== apiVersion || !deepEqual(earlier.patch, patch)) return undefined;
  return earlier.restore as JsonObject;
}

/** The values a restore patch puts back, as an object (null leaves: absent). */
function previousOf(restore: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const { path, value } of leaves(restore)) if (value !== null) setAt(out, path, structuredClone(value));
  return out;
}

/** The outcome of a PATCH that took effect: with undo data, unless Azure does not allow reversing it. */
function appliedOutcome(
  reason: string,
  undo: { id: string; apiVersion: string; patch: JsonObject; restore: JsonObject },
  notReversible: string | undefined,
): ActionOutcome {
  if (notReversible !== undefined) {
    return {
      result: 'applied',
      reason: `${reason}; no undo is recorded: Azure does not allow reversing it (${notReversible})`,
    };
  }
  return { result: 'applied', reason, undo };
}

type Resolved =
  | { readonly skip: ActionOutcome }
  | {
      readonly skip?: undefined;
      readonly id: string;
      readonly type: string;
      readonly checkId: string;
      readonly title: string;
      readonly summary: string;
      readonly apiVersion: string;
      readonly patch: JsonObject;
    };

/** The check's patch for the target, or why there is nothing this action may apply. */
function resolve(input: ActionInput<Params>): Resolved {
  const { subject, target } = input;
  if (subject.type !== 'finding') {
    return {
      skip: {
        result: 'skipped',
        reason: `${subject.ruleId} alert "${subject.title}" is not a posture finding: azure:apply-remediation applies the fix of failed checks only`,
      },
    };
  }
  const { finding } = subject;
  const checkId = finding.checkId;
  const id = azureId(target);
  if (id === undefined) {
    return {
      skip: {
        result: 'skipped',
        reason:
          target.type === 'none'
            ? `${describeTarget(target)}: there is no Azure resource to PATCH for check ${checkId}; fix the template: ${finding.remediation.summary}`
            : `${describeTarget(target)} is not an Azure resource: azure:apply-remediation does not apply check ${checkId}`,
      },
    };
  }
  if (finding.status !== 'fail') {
    return {
      skip: {
        result: 'skipped',
        reason: `check ${checkId} did not fail on ${id} (finding is ${finding.status}): nothing to remediate`,
      },
    };
  }
  const check = checkRegistry.get(checkId);
  if (check === undefined) {
    return {
      skip: {
        result: 'skipped',
        reason: `${checkId} is not a Palisade check: there is no ARM patch to apply to ${id} (the input's patch, if any, is never applied)`,
      },
    };
  }
  const { remediation } = check.meta;
  const inputPatch = finding.remediation.armPatch;
  if (remediation.armPatch === undefined) {
    return {
      skip: {
        result: 'skipped',
        reason:
          inputPatch === undefined
            ? `check ${check.meta.id} has no ARM patch; fix it by hand: ${remediation.summary}`
            : `check ${check.meta.id} has no ARM patch, so the ARM patch in the input (${inputPatch}) is not the check's and is ignored; fix it by hand: ${remediation.summary}`,
      },
    };
  }
  const parts = armIdParts(id);
  if (parts === undefined) {
    return {
      skip: { result: 'skipped', reason: `${id} is not an ARM resource id: not patched for check ${check.meta.id}` },
    };
  }
  const kinds = armTypesOf(check);
  if (!kinds.some((k) => k.toLowerCase() === parts.type.toLowerCase())) {
    return {
      skip: {
        result: 'skipped',
        reason: `${id} is a ${parts.type}, not a type check ${check.meta.id} addresses (${kinds.join(', ') || 'no ARM type'}): its ARM patch is not applied`,
      },
    };
  }
  if (target.type === 'azure' && target.resourceType.toLowerCase() !== parts.type.toLowerCase()) {
    return {
      skip: {
        result: 'skipped',
        reason: `the finding says ${id} is a ${target.resourceType}, but its id names a ${parts.type}: not patched for check ${check.meta.id}`,
      },
    };
  }
  const apiVersion = input.params.apiVersion ?? remediation.armApiVersion;
  if (apiVersion === undefined) {
    return {
      skip: {
        result: 'skipped',
        reason: `check ${check.meta.id} has an ARM patch but no api-version (set params.apiVersion); fix it by hand: ${remediation.summary}`,
      },
    };
  }
  let template: unknown;
  try {
    template = JSON.parse(remediation.armPatch);
  } catch (error) {
    throw new ActionError(`check ${check.meta.id} has an ARM patch that is not JSON: ${(error as Error).message}`);
  }
  const patch = renderPatch(template as Json, parts);
  if (!isObject(patch) || Object.keys(patch).length === 0) {
    throw new ActionError(
      `check ${check.meta.id} has an ARM patch that is not a non-empty JSON object: ${remediation.armPatch}`,
    );
  }
  if (inputPatch !== undefined) {
    let given: unknown;
    try {
      given = JSON.parse(inputPatch);
    } catch {
      given = undefined;
    }
    if (!deepEqual(given, patch)) {
      return {
        skip: {
          result: 'skipped',
          reason: `the ARM patch in the input (${inputPatch}) is not the one check ${check.meta.id} gives for ${id} (${JSON.stringify(patch)}): the input's patch is refused and nothing is applied`,
        },
      };
    }
  }
  const placeholder = placeholderIn(patch);
  if (placeholder !== undefined) {
    return {
      skip: {
        result: 'skipped',
        reason: `the ARM patch of check ${check.meta.id} for ${id} still holds the placeholder ${placeholder}; fill it in and apply it by hand: ${JSON.stringify(patch)}`,
      },
    };
  }
  return {
    id,
    type: parts.type,
    checkId: check.meta.id,
    title: check.meta.title,
    summary: remediation.summary,
    apiVersion,
    patch,
  };
}

export const applyRemediation = defineAction<Params>({
  meta: {
    id: 'azure:apply-remediation',
    slug: 'apply-remediation',
    provider: 'azure',
    title: "Apply a posture check's ARM remediation patch to the failing Azure resource",
    description:
      "PATCHes the Azure resource of a failed finding with the JSON merge patch Palisade's own check gives as the fix (never a patch taken from the input), unless the resource already holds those values; undo puts back the previous values, except for Key Vault soft delete and purge protection, which Azure does not allow reversing. Disruptive: disabling public network access or shared keys, or switching a vault to RBAC authorization, can cut off clients that still rely on them.",
    targets: ['azure'],
    undoable: true,
    disruptive: true,
    permissions: { azure: roleActions(PATCHABLE_TYPES) },
  },
  params,

  permissionsFor(_params: Params, scope: PermissionScope) {
    if (scope.azureTypes.length === 0) return { azure: roleActions(PATCHABLE_TYPES) };
    // Only the types a check can patch: anything else the trigger admits is skipped unread.
    const types = scope.azureTypes.flatMap((type) => {
      const known = PATCHABLE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
      return known === undefined ? [] : [known];
    });
    return { azure: roleActions(types) };
  },

  async run(input, ctx) {
    const resolved = resolve(input);
    if (resolved.skip) return resolved.skip;
    const { id, type, checkId, title, summary, apiVersion, patch } = resolved;

    const arm = await ctx.arm();
    const current = await arm.get(id, apiVersion);
    if (current === undefined) {
      return {
        result: 'skipped',
        reason: `${id} no longer exists (GET answered 404): nothing to remediate for check ${checkId}`,
      };
    }
    const notReversible = irreversible(type, patch);
    const earlier = input.dryRun ? undefined : earlierRestore(input.state, id, apiVersion, patch);
    const missing = holds(current, patch);
    if (missing.length === 0) {
      if (earlier !== undefined) {
        // A retry after a failure that came once the PATCH had been accepted (a 5xx while polling).
        return appliedOutcome(
          `patched ${id} (api-version ${apiVersion}): ${changes(patch, previousOf(earlier))}, the fix of check ${checkId} "${title}" (the earlier attempt's change took effect before it failed; attempt ${input.attempt} found it in place)`,
          { id, apiVersion, patch, restore: earlier },
          notReversible,
        );
      }
      return {
        result: 'skipped',
        reason: `${id} already has ${leaves(patch)
          .map((l) => `${l.path.join('.')}=${JSON.stringify(l.value)}`)
          .join(', ')}: the fix of check ${checkId} is in place`,
      };
    }
    const body = JSON.stringify(patch);
    if (input.dryRun) {
      return {
        result: 'planned',
        reason: `would PATCH ${id}?api-version=${apiVersion} with ${body}, setting ${changes(patch, current)} (check ${checkId}: ${summary})${
          notReversible === undefined
            ? ''
            : `; it could not be undone: Azure does not allow reversing it (${notReversible})`
        }`,
      };
    }
    // Noted before the write: a retry that finds the change made reports it applied, with this undo.
    const restore = earlier ?? restorePatch(current, patch);
    input.state[STATE_KEY] = { id, apiVersion, patch, restore };
    const after = await arm.patch(id, apiVersion, patch);
    const notSet = holds(after, patch);
    if (notSet.length > 0) {
      throw new ActionError(
        `PATCH ${id}?api-version=${apiVersion} with ${body} was accepted, but the resource still has ${notSet
          .map((l) => `${l.path.join('.')}=${show(valueAt(after, l.path))}`)
          .join(', ')}`,
      );
    }
    return appliedOutcome(
      `patched ${id} (api-version ${apiVersion}): ${changes(patch, earlier === undefined ? current : previousOf(earlier))}, the fix of check ${checkId} "${title}"`,
      { id, apiVersion, patch, restore },
      notReversible,
    );
  },

  async undo(input, ctx) {
    const parsed = undoData.safeParse(input.data);
    if (!parsed.success) {
      throw new ActionError(`the undo data of azure:apply-remediation is not valid: ${z.prettifyError(parsed.error)}`);
    }
    const { id, apiVersion } = parsed.data;
    const patch = parsed.data.patch as JsonObject;
    const restore = parsed.data.restore as JsonObject;
    const notReversible = irreversible(armIdParts(id)?.type ?? '', patch);
    if (notReversible !== undefined) {
      return {
        result: 'skipped',
        reason: `${id} not restored: Azure does not allow reversing ${JSON.stringify(patch)} (${notReversible})`,
      };
    }
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
    // A property that was absent is restored with null, which many resource providers ignore:
    // if the value the remediation set is still there, the undo did not happen.
    const kept = leaves(restore).filter(
      (l) =>
        l.value === null &&
        valueAt(after, l.path) !== undefined &&
        deepEqual(valueAt(after, l.path), valueAt(patch, l.path)),
    );
    if (kept.length > 0) {
      const paths = kept.map((l) => `${l.path.join('.')}=${JSON.stringify(valueAt(after, l.path))}`).join(', ');
      const sets = kept.map((l) => `--set ${l.path.join('.')}=<value>`).join(' ');
      throw new ActionError(
        `PATCH ${id}?api-version=${apiVersion} with ${body} was accepted, but Azure kept ${paths}: the resource provider ignores null in a PATCH, so a value that was absent before the remediation cannot be removed this way. Restore it by hand: set the value the resource should have (absent before, it had the provider's default), e.g. az resource update --ids ${id} --api-version ${apiVersion} ${sets}`,
      );
    }
    return {
      result: 'applied',
      reason: `restored ${id} (api-version ${apiVersion}): ${changes(restore, current)}`,
    };
  },
});
