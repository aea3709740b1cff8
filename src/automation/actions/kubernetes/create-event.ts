/**
 * kubernetes:create-event: records a core/v1 Event on the object a subject names, so that
 * `kubectl describe` and `oc get events` show the alert or finding next to the object. The event
 * lives in the object's namespace (`default` for cluster-scoped objects, as the API requires) and
 * its name is derived from the object, the automation rule and the subject, so the same subject
 * and rule never record two events. Not undoable (events expire on their own, 1 h by default).
 * Spec: https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeKubeRef, kubeTargetOf } from '../../kube.ts';
import { getRules } from '../../kube-resources.ts';
import { ActionError, defineAction, type KubeObjectData, type KubeRef } from '../../types.ts';

/** Kinds an event can be recorded on (the object is read for its uid: `get` on each). */
const KINDS: readonly string[] = [
  'Pod',
  'Node',
  'Namespace',
  'Service',
  'ServiceAccount',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'NetworkPolicy',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'DeploymentConfig',
  'Route',
];

const MAX_MESSAGE = 1024;

const Params = z.strictObject({
  reason: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]{0,127}$/, {
      message: 'must be a short UpperCamelCase word (letters and digits, at most 128), e.g. PalisadeAutomation',
    })
    .default('PalisadeAutomation'),
  type: z.enum(['Warning', 'Normal'], { message: 'must be "Warning" or "Normal"' }).default('Warning'),
});

/** `<object-name>.<16 hex>`: a valid object name, the same for the same object, rule and subject. */
export function eventName(objectName: string, rule: string, subjectId: string): string {
  const hash = createHash('sha256').update(`${rule}|${subjectId}`).digest('hex').slice(0, 16);
  // Some kinds allow names that are not DNS subdomains (ClusterRole "system:node"): make it one.
  const base =
    objectName
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
      .slice(0, 253 - 17)
      .replace(/[^a-z0-9]+$/, '') || 'object';
  return `${base}.${hash}`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** RFC 3339 with whole seconds, as the API writes timestamps. */
function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export const createEvent = defineAction({
  meta: {
    id: 'kubernetes:create-event',
    slug: 'create-event',
    provider: 'kubernetes',
    title: 'Record a Kubernetes event on the object',
    description:
      'Creates a core/v1 Event (Warning by default) on the object with the subject’s title and message, so `kubectl describe` shows it. The same subject and rule record at most one event. Not undoable.',
    targets: ['kubernetes'],
    kinds: KINDS,
    undoable: false,
    disruptive: false,
    permissions: {
      kubernetes: [{ apiGroups: [''], resources: ['events'], verbs: ['get', 'create'] }, ...getRules(KINDS)],
    },
  },
  params: Params,

  async run(input, ctx) {
    const target = kubeTargetOf(input.target, KINDS);
    if (target.skip !== undefined) return { result: 'skipped', reason: target.skip };
    const objectText = describeKubeRef(target.ref);
    const kube = await ctx.kube();
    const object = await kube.get(target.ref);
    if (!object) return { result: 'skipped', reason: `${objectText} no longer exists` };
    const objectNamespace = object.metadata.namespace;
    const namespace = objectNamespace ?? 'default';
    const name = eventName(object.metadata.name ?? target.ref.name, input.rule, input.subject.id);
    const eventRef: KubeRef = { apiVersion: 'v1', kind: 'Event', namespace, name };
    const eventText = describeKubeRef(eventRef);
    const { reason, type } = input.params;
    const what = `${type} event ${reason} on ${objectText} (${eventText})`;

    if (input.dryRun) {
      if (await kube.get(eventRef)) {
        return { result: 'skipped', reason: `${eventText} already records this subject on ${objectText}` };
      }
      return { result: 'planned', reason: `would record a ${what}` };
    }
    const now = timestamp(ctx.now());
    const subject = input.subject;
    const event: KubeObjectData = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'palisade' },
        annotations: {
          'palisade.io/automation': input.rule,
          'palisade.io/run-id': ctx.runId,
          'palisade.io/subject': `${subject.type} ${subject.id} (${subject.ruleId})`,
        },
      },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name ?? target.ref.name,
        ...(objectNamespace ? { namespace: objectNamespace } : {}),
        ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
        ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
      },
      reason,
      message: cut(`${subject.title}: ${subject.message}`, MAX_MESSAGE),
      type,
      source: { component: 'palisade' },
      reportingComponent: 'palisade',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await kube.create(event);
    } catch (error) {
      if (error instanceof ActionError && error.status === 409 && !error.transient) {
        return { result: 'skipped', reason: `${eventText} already records this subject on ${objectText}` };
      }
      throw error;
    }
    return { result: 'applied', reason: `recorded a ${what}` };
  },
});
