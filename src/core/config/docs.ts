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
  ].join('\n');
}
