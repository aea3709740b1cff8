/**
 * Every automation action, by provider. Adding an action means adding its file (with its metadata,
 * parameter schema, permissions and test) and listing it in its provider's index; the registry
 * validates ids, slugs and metadata at load, and `actions.test.ts` proves every action has a test
 * and a documented example.
 */
import { defineRegistry } from '#core';
import type { Action } from '../types.ts';
import { azureActions } from './azure/index.ts';
import { kubernetesActions } from './kubernetes/index.ts';
import { notifyActions } from './notify/index.ts';

/** An action of any parameter type (its own schema validates the parameters). */
export type AnyAction = Action<unknown>;

export const actionRegistry = defineRegistry<AnyAction>([...kubernetesActions, ...azureActions, ...notifyActions], {
  name: 'action',
  idPattern: /^(kubernetes|azure|notify):[a-z0-9]+(?:-[a-z0-9]+)*$/,
  validate(action) {
    const { meta } = action;
    const problems: string[] = [];
    if (meta.id !== `${meta.provider}:${meta.slug}`) problems.push(`id must be "${meta.provider}:${meta.slug}"`);
    if (!meta.title || /\.$/.test(meta.title)) problems.push('title must be set, without a trailing period');
    if (!meta.description) problems.push('description must be set');
    if (meta.targets.length === 0) problems.push('targets must list at least one target type');
    if (meta.undoable !== (action.undo !== undefined)) problems.push('undoable must say whether undo() exists');
    for (const rule of meta.permissions.kubernetes ?? []) {
      if (rule.resources.length === 0 || rule.verbs.length === 0)
        problems.push('an RBAC rule needs resources and verbs');
    }
    return problems;
  },
});

export function findAction(id: string): AnyAction | undefined {
  return actionRegistry.get(id);
}
