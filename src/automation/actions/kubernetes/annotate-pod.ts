/**
 * kubernetes:annotate-pod: sets annotations on the pod a subject names (a note for people and
 * tools: the alert, the run, a ticket). `{runId}` in a value is replaced by the run's id. Its undo
 * puts back the previous values where the pod still carries the ones it set. label-pod's logic:
 * a pod created after the alert is left alone, and a retry that finds its values in place reports
 * them applied, with the undo.
 */
import { z } from 'zod';
import { QualifiedKey } from '../../kube.ts';
import { defineAction } from '../../types.ts';
import { type MetadataChangeSpec, runMetadataChange, undoMetadataChange } from './label-pod.ts';

const SPEC: MetadataChangeSpec = {
  actionId: 'kubernetes:annotate-pod',
  field: 'annotations',
  noun: 'annotation',
  done: 'annotated',
  verb: 'annotate',
  checkValue: () => undefined,
};

const Params = z.strictObject({
  annotations: z
    .record(QualifiedKey, z.string())
    .refine((annotations) => Object.keys(annotations).length > 0, { message: 'must set at least one annotation' }),
});

export const annotatePod = defineAction({
  meta: {
    id: 'kubernetes:annotate-pod',
    slug: 'annotate-pod',
    provider: 'kubernetes',
    title: 'Annotate a pod',
    description:
      'Sets annotations on the pod (any text: the alert, the run, a ticket); `{runId}` in a value is replaced by the run id. Undo puts back the previous values where the pod still carries the ones set.',
    targets: ['kubernetes'],
    kinds: ['Pod'],
    undoable: true,
    disruptive: false,
    permissions: { kubernetes: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }] },
  },
  params: Params,
  run: (input, ctx) => runMetadataChange(SPEC, input.params.annotations, input, ctx),
  undo: (input, ctx) => undoMetadataChange(SPEC, input, ctx),
});
