/**
 * kubernetes:annotate-pod: sets annotations on the pod a subject names (a note for people and
 * tools: the alert, the run, a ticket). `{runId}` in a value is replaced by the run's id. Its undo
 * puts back the previous values where the pod still carries the ones it set. label-pod's logic:
 * the same patch sets the marker `palisade.io/annotated-by: <runId>`, a pod created after the alert
 * is left alone, a retry that finds its values in place with its marker reports them applied, with
 * the undo (without the marker they are someone else's: skipped), and the undo acts only while the
 * marker names the run.
 */
import { z } from 'zod';
import { QualifiedKey } from '../../kube.ts';
import { defineAction } from '../../types.ts';
import { type MetadataChangeSpec, runMetadataChange, undoMetadataChange } from './label-pod.ts';

const MARKER = 'palisade.io/annotated-by';

const SPEC: MetadataChangeSpec = {
  actionId: 'kubernetes:annotate-pod',
  field: 'annotations',
  noun: 'annotation',
  done: 'annotated',
  verb: 'annotate',
  marker: MARKER,
  checkValue: () => undefined,
};

const Params = z.strictObject({
  annotations: z
    .record(QualifiedKey, z.string())
    .refine((annotations) => Object.keys(annotations).length > 0, { message: 'must set at least one annotation' })
    .refine((annotations) => !Object.hasOwn(annotations, MARKER), {
      message: `must not set ${MARKER}: the action sets it to the run id`,
    }),
});

export const annotatePod = defineAction({
  meta: {
    id: 'kubernetes:annotate-pod',
    slug: 'annotate-pod',
    provider: 'kubernetes',
    title: 'Annotate a pod',
    description:
      'Sets annotations on the pod (any text: the alert, the run, a ticket); `{runId}` in a value is replaced by the run id, and palisade.io/annotated-by is set to the run id. Undo puts back the previous values where the pod still carries the ones set, while palisade.io/annotated-by still names the run.',
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
