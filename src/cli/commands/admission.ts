/**
 * `palisade admission review <file>`: AdmissionReview requests (or plain objects) → the admission
 * decision, offline, with the engine the webhook uses → AdmissionReview responses on stdout, and
 * the exit code. No domain logic here.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InputError, type OptionDef, SCAN_OPTIONS } from '#core';
import { EXIT } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';
import { addTableOptions, resolveOptions } from '../options.ts';

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

export function admissionCommand(io: CliIo): Command {
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
    const admission = createAdmission({
      ...(config ? { config } : {}),
      ...(configFile ? { configFile } : {}),
      ...(labels ? { namespaceLabels: () => labels } : {}),
      ...(policies ? { policies } : {}),
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
  return admission;
}
