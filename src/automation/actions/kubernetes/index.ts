/** The Kubernetes actions, by file name. */
import { annotatePod } from './annotate-pod.ts';
import { cordonNode } from './cordon-node.ts';
import { createEvent } from './create-event.ts';
import { deletePod } from './delete-pod.ts';
import { isolatePod } from './isolate-pod.ts';
import { labelPod } from './label-pod.ts';
import { scaleToZero } from './scale-to-zero.ts';

export const kubernetesActions = [
  annotatePod,
  cordonNode,
  createEvent,
  deletePod,
  isolatePod,
  labelPod,
  scaleToZero,
] as const;
