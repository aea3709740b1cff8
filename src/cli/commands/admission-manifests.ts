/**
 * `palisade admission manifests`: prints the Kubernetes objects that deploy `palisade admission
 * serve` (admission/manifests.ts) as YAML or a JSON List, for `kubectl apply -f -`. No domain
 * logic here.
 */
import { Command } from 'commander';
import { type OptionDef, UsageError } from '#core';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';

export const ADMISSION_MANIFESTS_OPTIONS: readonly OptionDef[] = [
  {
    name: 'namespace',
    flag: 'namespace',
    placeholder: '<ns>',
    type: 'string',
    default: 'palisade',
    description: 'Namespace of the webhook (created; always left alone by the webhook).',
  },
  {
    name: 'image',
    flag: 'image',
    placeholder: '<ref>',
    type: 'string',
    description:
      'Image of the webhook (default: ghcr.io/palisade-security/palisade:<this version>); pin it by digest where you can.',
  },
  {
    name: 'replicas',
    flag: 'replicas',
    placeholder: '<n>',
    type: 'string',
    default: '2',
    description: 'Webhook replicas, 1 to 100 (spread across nodes; a PodDisruptionBudget keeps one up in drains).',
  },
  {
    name: 'platform',
    flag: 'platform',
    placeholder: '<platform>',
    type: 'string',
    default: 'kubernetes',
    choices: ['kubernetes', 'openshift'],
    description:
      'openshift: the service CA issues the serving certificate and injects the CA bundle, and DeploymentConfigs are judged too; kubernetes: a supplied or generated CA.',
  },
  {
    name: 'caFile',
    flag: 'ca-file',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM CA certificate the API server is to trust (with --cert-file and --key-file; kubernetes only).',
  },
  {
    name: 'certFile',
    flag: 'cert-file',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM serving certificate for palisade-admission.<ns>.svc, signed by --ca-file.',
  },
  {
    name: 'keyFile',
    flag: 'key-file',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM private key of --cert-file.',
  },
  {
    name: 'failurePolicy',
    flag: 'failure-policy',
    placeholder: '<policy>',
    type: 'string',
    default: 'Fail',
    choices: ['Fail', 'Ignore'],
    description:
      'What the API server (and the server, on a timeout) does when validation cannot answer: Fail denies, Ignore admits. Mutation is always Ignore.',
  },
  {
    name: 'timeoutSeconds',
    flag: 'timeout-seconds',
    placeholder: '<n>',
    type: 'string',
    default: '5',
    description: "The webhooks' timeoutSeconds, 1 to 30; the server's decision budget stays below it.",
  },
  {
    name: 'excludeNamespaces',
    flag: 'exclude-namespaces',
    placeholder: '<ns,...>',
    type: 'list',
    description:
      'More namespaces (names, or globs such as team-*) the webhooks leave alone, besides kube-system, openshift-* and --namespace.',
  },
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'yaml',
    choices: ['yaml', 'json'],
    description: 'yaml: a multi-document stream; json: a v1 List.',
  },
];

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

/** The three PEM files, all or none. */
function suppliedTls(
  values: Readonly<Record<string, unknown>>,
): { caFile: string; certFile: string; keyFile: string } | undefined {
  const files = { caFile: values.caFile, certFile: values.certFile, keyFile: values.keyFile };
  const flags = { caFile: '--ca-file', certFile: '--cert-file', keyFile: '--key-file' } as const;
  const given = Object.entries(files).filter(
    (entry): entry is [keyof typeof flags, string] => typeof entry[1] === 'string',
  );
  if (given.length === 0) {
    return undefined;
  }
  if (given.length < 3) {
    const missing = (Object.keys(flags) as (keyof typeof flags)[]).filter((k) => typeof files[k] !== 'string');
    throw new UsageError(
      `--ca-file, --cert-file and --key-file go together: missing ${missing.map((k) => flags[k]).join(' and ')}`,
    );
  }
  return Object.fromEntries(given) as { caFile: string; certFile: string; keyFile: string };
}

export function manifestsCommand(io: CliIo): Command {
  const manifests = new Command('manifests')
    .description(
      'Print the Kubernetes manifests that deploy the admission webhook (admission serve): Namespace, RBAC, Deployment, Service, PodDisruptionBudget and the webhook configurations',
    )
    .addHelpText(
      'after',
      `
Objects, in apply order: Namespace (Pod Security restricted), ServiceAccount, ClusterRole and
ClusterRoleBinding (namespaces get/list/watch), ConfigMap (the server's config: namespace
exemptions), Secret palisade-admission-tls (kubernetes only), Service, Deployment,
PodDisruptionBudget, ValidatingWebhookConfiguration and MutatingWebhookConfiguration.

Serving certificate: on --platform openshift the service CA issues it and injects the CA bundle.
Otherwise --ca-file, --cert-file and --key-file supply it (checked: the key matches, the
certificate is for palisade-admission.<ns>.svc and the CA signed it), or a new CA and a one-year
certificate are generated; the CA's private key is never printed, so run again to rotate. The
output then holds a private key: treat it as a Secret.

Left alone: kube-system, openshift-*, --namespace and --exclude-namespaces (names in the
namespaceSelector, globs in a matchCondition, and all in the server's config exemptions).
Validation is judged with --failure-policy (default Fail); mutation only for namespaces labelled
palisade.io/mutate=true, failurePolicy Ignore. See docs/admission.md.

Exit codes: 0 printed; 2 usage or input error (a flag value, or a PEM file that cannot be used).

Examples:
  palisade admission manifests | kubectl apply -f -
  palisade admission manifests --platform openshift --namespace palisade-system | oc apply -f -
  palisade admission manifests --ca-file ca.crt --cert-file tls.crt --key-file tls.key --exclude-namespaces 'legacy-*'`,
    );
  addTableOptions(manifests, ADMISSION_MANIFESTS_OPTIONS);
  manifests.action(async () => {
    const { values } = await resolveOptions(manifests, ADMISSION_MANIFESTS_OPTIONS, io.env, io.cwd);
    const { admissionManifests, renderManifests, ADMISSION_REPLICAS_RANGE, WEBHOOK_TIMEOUT_RANGE } = await import(
      '#admission'
    );
    const replicas = wholeNumber(
      'replicas',
      values.replicas as string,
      ADMISSION_REPLICAS_RANGE.min,
      ADMISSION_REPLICAS_RANGE.max,
    );
    const timeoutSeconds = wholeNumber(
      'timeout-seconds',
      values.timeoutSeconds as string,
      WEBHOOK_TIMEOUT_RANGE.min,
      WEBHOOK_TIMEOUT_RANGE.max,
    );
    const platform = values.platform as 'kubernetes' | 'openshift';
    const tls = suppliedTls(values);
    if (tls && platform === 'openshift') {
      throw new UsageError(
        '--ca-file, --cert-file and --key-file are for --platform kubernetes: on OpenShift the service CA issues the serving certificate',
      );
    }
    const exclude = Array.isArray(values.excludeNamespaces)
      ? values.excludeNamespaces.map((ns) => String(ns).trim()).filter((ns) => ns !== '')
      : [];
    const result = await admissionManifests({
      namespace: values.namespace as string,
      ...(typeof values.image === 'string' ? { image: values.image } : {}),
      replicas,
      platform,
      ...(tls ? { tls } : {}),
      failurePolicy: values.failurePolicy as 'Fail' | 'Ignore',
      timeoutSeconds,
      excludeNamespaces: exclude,
    });
    await io.stdout(renderManifests(result.objects, values.format as 'yaml' | 'json'));
    if (result.tls === 'generated' && result.servingNotAfter) {
      io.stderr(
        `palisade: generated a CA and a serving certificate valid until ${result.servingNotAfter.toISOString().slice(0, 10)}; the output holds its private key, the CA's key was not kept (run again to rotate)\n`,
      );
    }
    io.setExitCode(EXIT.ok);
  });
  return manifests;
}
