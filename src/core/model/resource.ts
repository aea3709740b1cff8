/**
 * A resource is one object read from an input (a manifest document, a List item, an API object),
 * with the place it came from. `object` is the raw object, checked only for its envelope;
 * typed views (such as `pod`) are derived at inventory time.
 */
import type { AzureView } from './azure.ts';
import type { KubeObject, ObjectMeta, PodSpec } from './kubernetes.ts';

export interface SourceRef {
  /** Path as given by the user (or '<stdin>'). */
  readonly file: string;
  /** 1-based line of the object's first line. */
  readonly line?: number;
  readonly column?: number;
  /** 0-based index of the YAML document (or List item) inside the file. */
  readonly document?: number;
  /** Chart template the document was rendered from (Helm's `# Source: chart/templates/x.yaml`). */
  readonly template?: string;
  /** ARM parameters file a template resource was expanded with (one expansion per parameters file). */
  readonly parameters?: string;
}

/** A workload's pod template, wherever the kind keeps it. */
export interface PodView {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  /** Field path of the pod spec in the object: 'spec', 'spec.template.spec', ... */
  readonly specPath: string;
  /** Field path of the pod metadata in the object: 'metadata', 'spec.template.metadata', ... */
  readonly metadataPath: string;
}

export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  /** API group: '' for core, 'apps', 'rbac.authorization.k8s.io', ... */
  readonly group: string;
  readonly name: string;
  readonly namespace?: string;
  readonly object: KubeObject;
  readonly source: SourceRef;
  /** Set for workload kinds whose pod template is valid. */
  readonly pod?: PodView;
  /** Set for workload kinds whose pod template failed validation: why. Workload checks report 'error'. */
  readonly podError?: string;
  /** Set for Azure resources (kind is the ARM type, `object` only an envelope): the ARM object. */
  readonly azure?: AzureView;
  /** Unique within an inventory: group/kind/namespace/name plus the source when duplicated. */
  readonly key: string;
}

/** What a finding points at. */
export interface ResourceRef {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly name: string;
  /** ARM resource id, for Azure resources when known. */
  readonly id?: string;
  /** The ARO cluster (resource id) the object belongs to, when the input links the cluster's objects to an ARO resource. */
  readonly cluster?: string;
  readonly source?: SourceRef;
}

export function refOf(resource: Resource): ResourceRef {
  return {
    kind: resource.kind,
    apiVersion: resource.apiVersion,
    ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    name: resource.name,
    // A template resource's id is built with stand-in subscription and group names: not reported.
    ...(resource.azure?.id === undefined || resource.azure.origin !== 'export' ? {} : { id: resource.azure.id }),
    source: resource.source,
  };
}

/** 'Deployment "shop/web"' or 'ClusterRole "admin"'. */
export function describeResource(ref: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind} "${ref.namespace}/${ref.name}"` : `${ref.kind} "${ref.name}"`;
}
