/**
 * docs/reference/config.md, generated from the option table and the config schema's shape.
 */
import { SCAN_OPTIONS } from './options.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderConfigMarkdown(): string {
  const rows = SCAN_OPTIONS.map((o) => {
    const flag = o.type === 'boolean' ? `--${o.flag}` : `--${o.flag} ${o.placeholder ?? '<value>'}`;
    const def = o.default === undefined ? '' : Array.isArray(o.default) ? o.default.join(', ') : String(o.default);
    const values = o.choices
      ? o.choices.join(', ')
      : o.type === 'list'
        ? 'list (repeat the flag or comma-separate)'
        : o.type;
    return `| \`${flag}\` | ${o.env ? `\`${o.env}\`` : ''} | ${o.configPath ? `\`${o.configPath.join('.')}\`` : '(flag/env only)'} | ${cell(def)} | ${cell(values)} | ${cell(o.description)} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/core/config/options.ts by `npm run docs`. Do not edit by hand: a test fails when this file is stale. -->',
    '',
    'Every scan option can be set by flag, environment variable or config file. Precedence: flag > environment > config file > default.',
    'The config file is `--config <file>`, `PALISADE_CONFIG`, or else `palisade.yaml` (or `palisade.yml`, `.palisade.yaml`) in the working directory.',
    'Unknown keys and bad values in the config file are errors naming the file, line and key (exit code 2).',
    '',
    '## Options',
    '',
    '| Flag | Environment | Config key | Default | Values | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '## Config file',
    '',
    '```yaml',
    'apiVersion: palisade.io/v1alpha1   # optional',
    'kind: Config                       # optional',
    'scan:',
    '  failOn: high                     # critical | high | medium | low | info | none',
    '  frameworks: [pss-restricted]     # see `palisade frameworks list`',
    '  pssVersion: latest               # or v1.N',
    '  maxFileSize: 64MiB',
    '  experimental: false',
    '  checks:',
    '    include: []                    # ids, slugs or aliases',
    '    exclude: [missing-probes]',
    'settings:',
    '  allowedRegistries: ["*.azurecr.io", registry.redhat.io]   # host or host/path prefixes, globs',
    '  systemNamespaces: [kube-system, "openshift-*"]             # replaces the default list',
    '  dangerousCapabilities: [SYS_NICE]                          # added to the built-in list',
    'exemptions:',
    '  - reason: Istio sidecar needs NET_ADMIN to program iptables   # required',
    '    checks: [dangerous-capabilities]                            # ids, slugs, aliases or "*"',
    '    namespaces: ["shop-*"]                                      # globs; unset = any',
    '    names: ["*"]                                                # globs; unset = any',
    '    kinds: [Deployment]                                         # unset = any',
    '    labels: { app.kubernetes.io/part-of: shop }                 # all must match (object or pod template)',
    "    containers: [istio-proxy]                                   # only this container's violations",
    '    expires: 2027-03-31                                         # inclusive; then the finding fails again',
    'annotations:',
    '  enabled: true                    # honour palisade.io/ignore annotations',
    '  forbid:                          # ...except for these checks and namespaces',
    '    checks: [PAL-K8S-0002]',
    '    namespaces: ["prod-*"]',
    "admission:                         # `palisade admission review`; shaped like PSA's AdmissionConfiguration",
    '  defaults:                        # namespaces without palisade.io/<mode> labels (unset: privileged, latest)',
    '    enforce: baseline              # privileged | baseline | restricted | palisade | a framework id',
    '    enforce-version: latest        # or v1.N (Pod Security Standards version)',
    '    warn: restricted',
    '    audit: palisade                # every admission-capable check',
    '  exemptions:                      # allowed without evaluation',
    '    namespaces: ["kube-*"]         # globs',
    '    usernames: ["system:serviceaccount:ci:deployer"]',
    '    groups: ["system:nodes"]',
    '    runtimeClasses: [kata]',
    '  honorPodSecurityLabels: true     # use pod-security.kubernetes.io/<mode> labels when palisade.io ones are absent',
    '  failurePolicy: Fail              # enforce on unevaluable objects: Fail (deny) | Ignore (allow); warn and audit always allow',
    '```',
    '',
    '## Annotation exemptions',
    '',
    'Workload owners can silence a finding on the object itself (or on its pod template):',
    '',
    '```yaml',
    'metadata:',
    '  annotations:',
    '    palisade.io/ignore: "read-only-root-filesystem,dangerous-capabilities/istio-proxy"   # check, or check/container',
    '    palisade.io/ignore-reason: "legacy app writes to /tmp; tracked in JIRA-123"           # required',
    '    palisade.io/ignore-until: "2027-01-31"                                                 # optional, inclusive',
    '```',
    '',
    'An annotation without a reason, with a malformed or past date, naming an unknown check, or forbidden by `annotations.forbid` is not honoured, and a diagnostic says why. Silenced findings keep status `fail`, carry `suppressed` (source, reason, expiry, origin) in JSON and SARIF output, and do not count for the exit code.',
    '',
    '## Admission namespace labels',
    '',
    'As Pod Security Admission reads `pod-security.kubernetes.io/<mode>` and `<mode>-version`, Palisade reads, per namespace:',
    '',
    '```yaml',
    'metadata:',
    '  labels:',
    '    palisade.io/enforce: restricted          # deny (403) when a selected check fails',
    '    palisade.io/enforce-version: v1.30       # latest | v1.N',
    '    palisade.io/warn: palisade               # kubectl warnings, one per failing check',
    '    palisade.io/audit: cis-kubernetes-1.9    # `audit-violations` audit annotation',
    '```',
    '',
    'An absent label falls back to `admission.defaults` (level and version separately). An invalid level is evaluated as `restricted` for enforce and `privileged` for warn and audit, an invalid version as `latest`, as PSA does; the request then also gets a warning and an `error` audit annotation.',
    '',
  ].join('\n');
}
