/**
 * `palisade admission review <file>`: AdmissionReview requests (or plain objects) → the admission
 * decision, offline, with the engine the webhook uses → AdmissionReview responses on stdout, and
 * the exit code. `palisade admission serve`: the same engine behind the HTTPS webhook, until
 * SIGINT or SIGTERM. No domain logic here.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Command } from 'commander';
import type { ImageGate } from '#admission';
import {
  type Config,
  clientAuthFromValues,
  clientAuthOptionDefs,
  type Diagnostic,
  formatLocation,
  InputError,
  type OptionDef,
  SCAN_OPTIONS,
  UsageError,
} from '#core';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';
import { processSignal } from '../signals.ts';
import { manifestsCommand } from './admission-manifests.ts';

function shared(name: string): OptionDef {
  const def = SCAN_OPTIONS.find((d) => d.name === name);
  if (!def) throw new Error(`option ${name} is not in SCAN_OPTIONS`);
  return def;
}

export const ADMISSION_REVIEW_OPTIONS: readonly OptionDef[] = [
  {
    name: 'format',
    flag: 'format',
    placeholder: '<format>',
    type: 'string',
    default: 'json',
    choices: ['json', 'text'],
    description: 'Output: the AdmissionReview response(s) as JSON, or a readable summary.',
  },
  {
    name: 'namespaceLabels',
    flag: 'namespace-labels',
    placeholder: '<k=v,...>',
    type: 'string',
    description:
      "Labels of the requests' namespace (e.g. palisade.io/enforce=restricted,palisade.io/warn=palisade); without it the config defaults apply.",
  },
  {
    name: 'policies',
    flag: 'policies',
    placeholder: '<path...>',
    type: 'list',
    description:
      'ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding and parameter files or directories (YAML or JSON); evaluated with the checks, as the API server would.',
  },
  shared('config'),
];

export const ADMISSION_SERVE_OPTIONS: readonly OptionDef[] = [
  {
    name: 'cert',
    flag: 'cert',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM serving certificate (chain) for HTTPS (reloaded when it changes).',
  },
  {
    name: 'key',
    flag: 'key',
    placeholder: '<file>',
    type: 'string',
    description: 'PEM private key of the certificate (reloaded when it changes).',
  },
  ...clientAuthOptionDefs({
    protectedPaths: '/validate and /mutate',
    openPaths: 'GET /healthz, /readyz and /metrics need none',
  }),
  {
    name: 'host',
    flag: 'host',
    placeholder: '<address>',
    type: 'string',
    default: '0.0.0.0',
    description: 'Address to listen on.',
  },
  {
    name: 'port',
    flag: 'port',
    placeholder: '<port>',
    type: 'string',
    default: '8443',
    description: 'Port to listen on (0: any free port).',
  },
  {
    name: 'namespaceLabelsFile',
    flag: 'namespace-labels-file',
    placeholder: '<file>',
    type: 'string',
    description:
      'Namespace objects (YAML or JSON, e.g. `oc get namespaces -o yaml`) giving each namespace its labels (reloaded when it changes); without it or --namespace-labels-from-api, every namespace gets the config defaults.',
  },
  {
    name: 'namespaceLabelsFromApi',
    flag: 'namespace-labels-from-api',
    type: 'boolean',
    description:
      'Read the namespace labels from the Kubernetes API: list and watch Namespaces (RBAC: get, list, watch on namespaces), GET a namespace not seen yet; /readyz fails until the first list. Not with --namespace-labels-file.',
  },
  {
    name: 'kubeconfig',
    flag: 'kubeconfig',
    placeholder: '<file>',
    type: 'string',
    description:
      'Kubeconfig for --namespace-labels-from-api (default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account).',
  },
  {
    name: 'policies',
    flag: 'policies',
    placeholder: '<path...>',
    type: 'list',
    description:
      'ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding and parameter files or directories (YAML or JSON), evaluated on /validate beside the checks; one that does not load stops the start.',
  },
  {
    name: 'maxBodySize',
    flag: 'max-body-size',
    placeholder: '<size>',
    type: 'size',
    default: '3MiB',
    description: 'Refuse AdmissionReview bodies larger than this with 413 (the API server sends at most 3 MiB).',
  },
  {
    name: 'timeout',
    flag: 'timeout',
    placeholder: '<ms>',
    type: 'string',
    default: '2000',
    description:
      'Time budget of one decision in milliseconds; a decision that takes longer is answered by the failure policy. Keep it below the webhook configuration timeoutSeconds.',
  },
  {
    name: 'maxInFlight',
    flag: 'max-in-flight',
    placeholder: '<n>',
    type: 'string',
    default: '32',
    description: 'Reviews read or decided at once; more get 429 (memory stays under n × --max-body-size).',
  },
  {
    name: 'failurePolicy',
    flag: 'failure-policy',
    placeholder: '<policy>',
    type: 'string',
    choices: ['Fail', 'Ignore'],
    description:
      'What /validate answers when a decision overruns the time budget or fails: Fail denies, Ignore allows with a warning (default: config admission.failurePolicy, then Fail).',
  },
  shared('config'),
];

function integer(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

/** At most this many request diagnostics are printed; reload failures always are. */
const SHOWN_DIAGNOSTICS = 100;

type AdmissionModule = typeof import('#admission');

/** The image gate of `admission.imageGate` in the config (undefined without one); problems go to stderr. */
async function imageGateOf(
  admission: AdmissionModule,
  io: CliIo,
  config: Config | undefined,
  configFile: string | undefined,
): Promise<ImageGate | undefined> {
  const gateConfig = config?.admission?.imageGate;
  if (gateConfig === undefined) {
    return undefined;
  }
  const loaded = await admission.loadImageGate(gateConfig, { baseDir: configFile ? dirname(configFile) : io.cwd });
  for (const problem of loaded.problems) {
    io.stderr(`palisade: warning: image scan result ${problem.file}: ${problem.message}; skipped\n`);
  }
  return loaded.gate;
}

export interface AdmissionCommandOptions {
  /** Stops `admission serve` (default: SIGINT or SIGTERM). */
  readonly signal?: AbortSignal;
}

function serveCommand(io: CliIo, commandOptions: AdmissionCommandOptions): Command {
  const serve = new Command('serve')
    .description(
      'Serve the admission webhook over HTTPS: POST /validate and /mutate (AdmissionReview admission.k8s.io/v1), GET /healthz, /readyz, /metrics',
    )
    .addHelpText(
      'after',
      `
/validate answers with the decision \`admission review\` prints: the checks in the namespace's
enforce, warn and audit modes, the image gate (config admission.imageGate) and the --policies.
/mutate adds secure defaults to workloads in namespaces labelled palisade.io/mutate=true (config
admission.mutation). /metrics is in the Prometheus text format.

The API server does not send namespace labels: --namespace-labels-from-api lists and watches the
Namespaces (as Pod Security Admission's cache does; /readyz fails until the first list), or
--namespace-labels-file reads them from a file.

Client authentication: --client-ca (the client-certificate/client-key of the kubeconfig named by
the API server's AdmissionConfiguration) and/or --token-file (its token); with both, both are
required. Without either, anyone who can reach the port can post reviews. /healthz, /readyz and
/metrics never need authentication (kubelet probes, Prometheus). The certificate, key, client CA,
token and namespace labels files are reloaded when they change; a bad new file keeps the previous
one.

Answers: 200 with the AdmissionReview; 400 body not an AdmissionReview; 401 no or wrong client
certificate or token; 403 client certificate name not allowed; 413 body too large; 415 not JSON;
429 too many reviews in flight. The API server applies the webhook configuration's
failurePolicy to any answer but 200. Runs until SIGINT or SIGTERM, then lets requests in flight
finish. Exit codes: 0 stopped cleanly; 2 usage, config or input error (including a certificate,
policy or namespace file that does not load). See docs/admission.md.

Examples:
  palisade admission serve --cert tls.crt --key tls.key --namespace-labels-file namespaces.yaml \\
    --policies policies/ --config palisade.yaml
  palisade admission serve --cert tls.crt --key tls.key --namespace-labels-from-api --config palisade.yaml \\
    --client-ca apiserver-client-ca.crt --client-name kube-apiserver`,
    );
  addTableOptions(serve, ADMISSION_SERVE_OPTIONS);
  serve.action(async () => {
    const { values, config, configFile } = await resolveOptions(serve, ADMISSION_SERVE_OPTIONS, io.env, io.cwd);
    if (typeof values.cert !== 'string' || typeof values.key !== 'string') {
      throw new UsageError('admission serve needs --cert <file> and --key <file>');
    }
    const clientAuth = clientAuthFromValues(values);
    const port = integer('port', values.port as string, 0, 65535);
    const timeoutMs = integer('timeout', values.timeout as string, 1, 30_000);
    const maxInFlight = integer('max-in-flight', values.maxInFlight as string, 1, 100_000);
    const failurePolicy = values.failurePolicy as 'Fail' | 'Ignore' | undefined;
    const namespaceLabelsFile = values.namespaceLabelsFile as string | undefined;
    const fromApi = values.namespaceLabelsFromApi === true;
    const kubeconfig = values.kubeconfig as string | undefined;
    if (fromApi && namespaceLabelsFile !== undefined) {
      throw new UsageError('--namespace-labels-from-api and --namespace-labels-file cannot be used together');
    }
    if (kubeconfig !== undefined && !fromApi) {
      throw new UsageError('--kubeconfig is only used with --namespace-labels-from-api');
    }
    const admission = await import('#admission');

    const policyPaths = Array.isArray(values.policies) ? values.policies.map(String) : [];
    let policies: Awaited<ReturnType<typeof admission.loadPolicies>>['value'] | undefined;
    if (policyPaths.length > 0) {
      const loaded = await admission.loadPolicies(policyPaths);
      let broken = 0;
      for (const d of loaded.diagnostics) {
        io.stderr(`palisade: ${d.level}: ${d.location ? `${formatLocation(d.location)}: ` : ''}${d.message}\n`);
        if (d.level === 'error') broken++;
      }
      // Serving with part of the policies would silently let through what the others refuse.
      if (broken > 0) throw new UsageError(`--policies: ${broken} error(s) above; not starting the webhook`);
      policies = loaded.value;
    }

    const imageGate = await imageGateOf(admission, io, config, configFile);
    const mutation = config?.admission?.mutation ?? {};

    let shown = 0;
    const onDiagnostic = (d: Diagnostic): void => {
      const always =
        d.code === admission.ADMISSION_SERVER_DIAGNOSTIC_CODES.tlsReload ||
        d.code === admission.ADMISSION_SERVER_DIAGNOSTIC_CODES.tokenReload ||
        d.code === admission.ADMISSION_SERVER_DIAGNOSTIC_CODES.namespacesReload ||
        d.code === admission.ADMISSION_SERVER_DIAGNOSTIC_CODES.namespaceWatch;
      if (always || shown++ < SHOWN_DIAGNOSTICS) {
        io.stderr(`palisade: ${d.level}: ${formatLocation(d.location)}: ${d.message}\n`);
      } else if (shown === SHOWN_DIAGNOSTICS + 1) {
        io.stderr('palisade: more request diagnostics are not shown (see /metrics)\n');
      }
    };
    // Loaded before the server starts: a kubeconfig that does not load is a usage error (exit 2).
    const namespaceSource = fromApi
      ? await admission.watchNamespaces(kubeconfig === undefined ? {} : { kubeconfigFile: kubeconfig })
      : undefined;
    let server: Awaited<ReturnType<typeof admission.startAdmissionServer>>;
    try {
      server = await admission.startAdmissionServer({
        host: values.host as string,
        port,
        certFile: values.cert,
        keyFile: values.key,
        ...clientAuth,
        context: {
          ...(config ? { config } : {}),
          ...(configFile ? { configFile } : {}),
          ...(policies ? { policies } : {}),
          ...(imageGate ? { imageGate } : {}),
        },
        // Secure defaults for namespaces labelled palisade.io/mutate=true (mutate.ts).
        mutate: (request, { namespaceLabels }) =>
          admission.mutateRequest(request, { ...mutation, ...(namespaceLabels ? { namespaceLabels } : {}) }),
        ...(namespaceLabelsFile !== undefined ? { namespaceLabelsFile } : {}),
        ...(namespaceSource !== undefined ? { namespaceSource } : {}),
        ...(failurePolicy ? { failurePolicy } : {}),
        maxBodyBytes: values.maxBodySize as number,
        timeoutMs,
        maxInFlight,
        onDiagnostic,
      });
    } catch (err) {
      throw new UsageError(`cannot start the admission webhook: ${err instanceof Error ? err.message : String(err)}`);
    }
    const host = server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : server.host;
    io.stderr(
      `palisade: listening on https://${host.includes(':') ? `[${host}]` : host}:${server.port} (POST /validate, /mutate; GET /healthz, /readyz, /metrics)\n`,
    );
    for (const line of server.ready().lines) io.stderr(`palisade: ${line}\n`);
    if (namespaceLabelsFile === undefined && !fromApi) {
      io.stderr(
        'palisade: warning: no --namespace-labels-file or --namespace-labels-from-api: every namespace gets the config defaults (admission.defaults)\n',
      );
    }

    const sig = commandOptions.signal ? undefined : processSignal();
    const signal = (commandOptions.signal ?? sig?.signal) as AbortSignal;
    try {
      if (!signal.aborted) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      io.stderr('palisade: stopping: finishing the requests in flight\n');
    } finally {
      sig?.dispose();
      await server.close();
    }
    io.stderr('palisade: stopped\n');
    io.setExitCode(EXIT.ok);
  });
  return serve;
}

export function admissionCommand(io: CliIo, commandOptions: AdmissionCommandOptions = {}): Command {
  const admission = new Command('admission').description(
    'Admission control with the posture checks (enforce, warn and audit modes per namespace, as Pod Security Admission)',
  );
  const review = admission
    .command('review')
    .description(
      'Decide AdmissionReview requests offline, as the webhook would, and print the AdmissionReview responses',
    )
    .argument(
      '<file>',
      'AdmissionReview requests or plain objects (wrapped as CREATE requests): JSON, or YAML with several documents; - for standard input',
    )
    .addHelpText(
      'after',
      `
One input prints one AdmissionReview; several print a JSON array of them, in input order.

With --policies, ValidatingAdmissionPolicies and their bindings (and parameter objects) are
evaluated on every request they match, whatever its kind, beside the checks; a policy that does
not load is reported with its file, line and CEL error and the others still apply.

Exit codes: 0 every request allowed; 1 some request denied; 2 usage, config or input error (a
policy that does not load included).

Examples:
  palisade admission review review.json
  palisade admission review deploy.yaml --namespace-labels palisade.io/enforce=restricted --format text
  helm template ./chart | palisade admission review - --namespace-labels pod-security.kubernetes.io/enforce=baseline
  palisade admission review deploy.yaml --policies policies/`,
    );
  addTableOptions(review, ADMISSION_REVIEW_OPTIONS);
  review.action(async (file: string) => {
    const { values, config, configFile } = await resolveOptions(review, ADMISSION_REVIEW_OPTIONS, io.env, io.cwd);
    const { createAdmission, loadPolicies, parseLabelList, readReviewInputs, renderOutcomeText, reviewResponse } =
      await import('#admission');
    const labels = typeof values.namespaceLabels === 'string' ? parseLabelList(values.namespaceLabels) : undefined;
    const policyPaths = Array.isArray(values.policies) ? values.policies.map(String) : [];
    let policiesBroken = false;
    let policies: Awaited<ReturnType<typeof loadPolicies>>['value'] | undefined;
    if (policyPaths.length > 0) {
      const loaded = await loadPolicies(policyPaths);
      for (const d of loaded.diagnostics) {
        const at = d.location
          ? `${d.location.file}${d.location.line === undefined ? '' : `:${d.location.line}`}: `
          : '';
        io.stderr(`palisade: ${d.level}: ${at}${d.message}\n`);
        if (d.level === 'error') policiesBroken = true;
      }
      policies = loaded.value;
    }
    const imageGate = await imageGateOf(await import('#admission'), io, config, configFile);
    const admission = createAdmission({
      ...(config ? { config } : {}),
      ...(configFile ? { configFile } : {}),
      ...(labels ? { namespaceLabels: () => labels } : {}),
      ...(policies ? { policies } : {}),
      ...(imageGate ? { imageGate } : {}),
    });
    let text: string;
    try {
      text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError('input.not-found', `cannot read ${file}: ${(error as Error).message}`, {
        location: { file },
      });
    }
    const inputs = readReviewInputs(text, file === '-' ? '<stdin>' : file);
    const decided = inputs.map((input) => ({ input, outcome: admission.admit(input.request) }));
    if (values.format === 'text') {
      await io.stdout(decided.map(({ input, outcome }) => renderOutcomeText(input, outcome)).join(''));
    } else {
      const responses = decided.map(({ input, outcome }) => reviewResponse(input.request, outcome));
      await io.stdout(`${JSON.stringify(responses.length === 1 ? responses[0] : responses, null, 2)}\n`);
    }
    // A policy that did not load is an input error, as the API server would refuse to create it.
    io.setExitCode(
      policiesBroken ? EXIT.usage : decided.some(({ outcome }) => !outcome.allowed) ? EXIT.policy : EXIT.ok,
    );
  });
  admission.addCommand(serveCommand(io, commandOptions));
  admission.addCommand(manifestsCommand(io));
  return admission;
}
