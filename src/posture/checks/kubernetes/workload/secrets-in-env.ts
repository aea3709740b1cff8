/**
 * Secrets must not be written into environment variables as literal values.
 * Reads: spec.{initContainers,containers,ephemeralContainers}[*].env[*].{name,value}. Variables
 * with valueFrom have no literal value and are secret-env-reference's concern.
 * A variable fails when its literal value is a secret by either rule below. Messages name the
 * container and the variable and say which rule matched; they never contain the value.
 *
 * 1. By value, whatever the name: the value contains a PEM private key; a connection string with
 *    AccountKey=, SharedAccessKey= or Password=/Pwd=; a shared access signature (sig=); a URL with
 *    an embedded password (scheme://user:password@host); a signed JSON Web Token; or a credential
 *    in a well-known vendor format (GitHub, GitLab, Slack tokens and webhooks, Stripe live keys,
 *    Google API keys, OpenAI and Anthropic keys, npm, Hugging Face, SendGrid and Docker Hub tokens,
 *    Entra ID client secrets). AWS access key IDs are not reported: the ID alone is not a secret,
 *    and the secret key beside it is caught by its name.
 * 2. By name, for values that could be a credential: the name, split into words at "_", "-", "."
 *    and camelCase, contains a secret word (PASSWORD, PASSWD, PASS, PWD, PASSPHRASE, SECRET, TOKEN,
 *    CREDENTIAL(S), CREDS, PAT, APIKEY, CLIENTSECRET, ...) or KEY after a qualifier (API_KEY,
 *    PRIVATE_KEY, ACCESS_KEY, ACCOUNT_KEY, SIGNING_KEY, ...), and its last word is not one that
 *    makes it about the secret rather than the secret itself (SECRET_NAME, PASSWORD_FILE, TOKEN_URL,
 *    TOKEN_TTL, API_KEY_HEADER, ACCESS_KEY_ID, ...). A lone PWD is the working directory, not a
 *    password. Connection strings are judged by value only (rule 1): many carry no secret
 *    (managed identity, Application Insights), and those that do say so with Password= or a key.
 *    Values that cannot be a working credential are skipped: empty or shorter than 4 characters,
 *    booleans and switches (true, off, enabled, none, ...), values built from other variables
 *    ($(VAR), expanded by the kubelet), unrendered templates (${VAR}, {{ ... }}, <...>, %VAR%,
 *    __VAR__), masks (****, xxxx, REDACTED), absolute paths and URLs without credentials. Weak
 *    literals such as "changeme" are reported: that is the password the pod will run with.
 * Not checked: command and args (flags such as --password=...), ConfigMaps loaded with envFrom.
 * Maturity beta: names and formats are heuristics, tuned for few false positives.
 * Sources: https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables,
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/,
 * MITRE ATT&CK T1552.007 (Unsecured Credentials: Container API).
 */
import type { Violation } from '#core';
import { defineCheck, outcome } from '../../../check.ts';
import { CONTAINER_FIELDS, type Workload } from '../../../lib/pod.ts';

/**
 * Value formats that are credentials whatever the variable is called. Joined into one regular
 * expression so each value is scanned once; the named group that matched says which format.
 */
const VALUE_FORMATS: readonly RegExp[] = [
  /(?<pem>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)/,
  /(?<accountKey>(?:^|;)\s*(?:AccountKey|accountkey|ACCOUNTKEY|SharedAccessKey|sharedaccesskey|SHAREDACCESSKEY)\s*=\s*[A-Za-z0-9+/]{16,})/,
  /(?<connectionPassword>(?:^|;)\s*(?:Password|password|PASSWORD|Pwd|pwd|PWD)\s*=\s*(?![$;{<]|\*+(?:;|$))[^;\s])/,
  /(?<sas>[?&;]sig=[A-Za-z0-9%+/=]{16,})/,
  /(?<urlPassword>^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/]*:(?![$]\(|[$]\{|\{\{|<|\*+@)[^\s@/]+@)/,
  /(?<jwt>^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}$)/,
  /(?<github>\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b)/,
  /(?<gitlab>\bglpat-[A-Za-z0-9_-]{20,}\b)/,
  /(?<slack>\bxox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/]{20,})/,
  /(?<stripe>\b[rs]k_live_[A-Za-z0-9]{20,}\b)/,
  /(?<google>\bAIza[0-9A-Za-z_-]{35}\b)/,
  /(?<anthropic>\bsk-ant-[A-Za-z0-9_-]{20,})/,
  /(?<openai>\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})/,
  /(?<npm>\bnpm_[A-Za-z0-9]{36}\b)/,
  /(?<huggingface>\bhf_[A-Za-z0-9]{34,}\b)/,
  /(?<sendgrid>\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b)/,
  /(?<dockerhub>\bdckr_pat_[A-Za-z0-9_-]{20,})/,
  /(?<entra>^[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}$)/,
];
const VALUE_RE = new RegExp(VALUE_FORMATS.map((re) => re.source).join('|'));

const VALUE_KINDS: Readonly<Record<string, string>> = {
  pem: 'a PEM private key',
  accountKey: 'a connection string with an account or shared access key',
  connectionPassword: 'a connection string with a password',
  sas: 'a shared access signature',
  urlPassword: 'a URL with an embedded password',
  jwt: 'a signed JSON Web Token',
  github: 'a GitHub token',
  gitlab: 'a GitLab token',
  slack: 'a Slack token or webhook URL',
  stripe: 'a Stripe live key',
  google: 'a Google API key',
  anthropic: 'an Anthropic API key',
  openai: 'an OpenAI API key',
  npm: 'an npm token',
  huggingface: 'a Hugging Face token',
  sendgrid: 'a SendGrid API key',
  dockerhub: 'a Docker Hub token',
  entra: 'an Entra ID client secret',
};

/** Cheap test before splitting a name into words: most variables fail it. */
const NAME_HINT_RE = /pass|pwd|secret|token|key|cred|pat/i;

const SECRET_WORDS: ReadonlySet<string> = new Set([
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'PAT',
  'APIKEY',
  'PRIVATEKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'ACCOUNTKEY',
  'MASTERKEY',
  'AUTHKEY',
  'SIGNINGKEY',
  'ENCRYPTIONKEY',
  'CLIENTSECRET',
  'SASTOKEN',
]);

/** Words that make a following KEY a secret key. */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'API',
  'PRIVATE',
  'ACCESS',
  'SECRET',
  'ACCOUNT',
  'MASTER',
  'AUTH',
  'SIGNING',
  'SIGN',
  'ENCRYPTION',
  'ENCRYPT',
  'DECRYPTION',
  'CRYPTO',
  'SHARED',
  'STORAGE',
  'LICENSE',
  'SESSION',
  'HMAC',
  'JWT',
  'SUBSCRIPTION',
  'ADMIN',
  'CLIENT',
  'SERVICE',
]);

/** Last words that make the variable describe a secret rather than hold it. */
const DESCRIPTIVE_TAILS: ReadonlySet<string> = new Set([
  'NAME',
  'NAMES',
  'FILE',
  'FILES',
  'PATH',
  'DIR',
  'DIRECTORY',
  'URL',
  'URLS',
  'URI',
  'ENDPOINT',
  'HOST',
  'HOSTNAME',
  'PORT',
  'ID',
  'IDS',
  'KID',
  'REF',
  'LENGTH',
  'LEN',
  'SIZE',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'LIFETIME',
  'TIMEOUT',
  'SECONDS',
  'MINUTES',
  'HOURS',
  'DAYS',
  'INTERVAL',
  'ROTATION',
  'PERIOD',
  'TYPE',
  'MODE',
  'HEADER',
  'HEADERS',
  'PARAM',
  'PARAMETER',
  'AUDIENCE',
  'ISSUER',
  'REGION',
  'ENABLED',
  'ENABLE',
  'DISABLED',
  'DISABLE',
  'REQUIRED',
  'POLICY',
  'MIN',
  'MAX',
  'FIELD',
  'PROVIDER',
  'KIND',
  'LOCATION',
  'ALGORITHM',
  'ALG',
  'FORMAT',
  'VERSION',
  'PREFIX',
  'SUFFIX',
  'USER',
  'USERNAME',
  'LOGIN',
  'COUNT',
  'LIMIT',
  'RETRIES',
  'SCOPE',
  'SCOPES',
  'STRATEGY',
  'BACKEND',
  'STORE',
  'MOUNT',
  'SOURCE',
  'CLAIM',
  'CLAIMS',
  'METHOD',
  'SCHEME',
  'ENCODING',
  'NAMESPACE',
  'MANAGER',
  'ENGINE',
  'COLUMN',
  'TABLE',
]);

const SWITCH_VALUES: ReadonlySet<string> = new Set([
  'true',
  'false',
  'yes',
  'no',
  'y',
  'n',
  'on',
  'off',
  'enabled',
  'disabled',
  'enable',
  'disable',
  'null',
  'none',
  'nil',
  'undefined',
  'redacted',
  '[redacted]',
]);

/** Values that cannot be a working credential (see the header). */
const NOT_A_CREDENTIAL_RE =
  /\$\([A-Za-z_][A-Za-z0-9_]*\)|^(?:\$\{[^}]*\}|\{\{.*\}\}|<[^<>]*>|%[A-Za-z0-9_]+%|__[A-Za-z0-9_]+__|(.)\1*|\/\S*|[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*)$/s;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
}

/** True when the variable's name says it holds a secret. */
function secretByName(name: string): boolean {
  if (!NAME_HINT_RE.test(name)) {
    return false;
  }
  const list = words(name);
  const last = list[list.length - 1];
  if (last === undefined || DESCRIPTIVE_TAILS.has(last)) {
    return false;
  }
  if (list.length === 1 && last === 'PWD') {
    return false;
  }
  for (const [i, word] of list.entries()) {
    if (SECRET_WORDS.has(word)) {
      return true;
    }
    if ((word === 'KEY' || word === 'KEYS') && i > 0 && KEY_QUALIFIERS.has(list[i - 1] ?? '')) {
      return true;
    }
  }
  return false;
}

function couldBeCredential(value: string): boolean {
  const text = value.trim();
  return text.length >= 4 && !SWITCH_VALUES.has(text.toLowerCase()) && !NOT_A_CREDENTIAL_RE.test(text);
}

/** What the value is, if it is a credential by its format. */
function secretByValue(value: string): string | undefined {
  if (value.length < 8) {
    return undefined;
  }
  const groups = VALUE_RE.exec(value)?.groups;
  if (!groups) {
    return undefined;
  }
  for (const [kind, matched] of Object.entries(groups)) {
    if (matched !== undefined) {
      return VALUE_KINDS[kind];
    }
  }
  return undefined;
}

export const secretsInEnv = defineCheck<Workload>({
  meta: {
    id: 'PAL-K8S-0113',
    slug: 'secrets-in-env',
    title: 'Secret written as a literal environment variable',
    description:
      'A password, key or token written into the pod spec is readable by everyone who can read the workload (get on Deployments, not on Secrets), is stored unencrypted in etcd and in Git, and lands in CI logs and Helm release history. Secrets belong in Secret objects or an external secret store.',
    severity: 'high',
    maturity: 'beta',
    targets: [{ class: 'workload' }],
    frameworks: [
      { framework: 'mitre-attack-containers', control: 'T1552.007' },
      { framework: 'mitre-attack-containers', control: 'T1552.001' },
      { framework: 'mcsb-v1', control: 'IM-8' },
      { framework: 'mcsb-v1', control: 'DS-6' },
    ],
    remediation: {
      summary:
        'Move the value into a Secret (or an external secret store synchronised into one), mount it as a file, rotate the exposed credential, and remove it from the manifest and its history.',
      kubernetesPatch: [
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: <container>',
        '          volumeMounts:',
        '            - name: credentials',
        '              mountPath: /var/run/secrets/app',
        '              readOnly: true',
        '      volumes:',
        '        - name: credentials',
        '          secret:',
        '            secretName: <secret>',
      ].join('\n'),
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
      'https://attack.mitre.org/techniques/T1552/007/',
    ],
    scope: 'object',
    admission: true,
  },
  evaluate(workload) {
    const violations: Violation[] = [];
    const { spec, specPath } = workload.pod;
    for (const field of CONTAINER_FIELDS) {
      for (const [index, container] of (spec[field] ?? []).entries()) {
        const env = container.env;
        if (!env) {
          continue;
        }
        for (const [i, variable] of env.entries()) {
          const value = variable.value;
          if (value === undefined || value === '') {
            continue;
          }
          const kind = secretByValue(value);
          let reason: string | undefined;
          if (kind !== undefined) {
            reason = `a literal value that looks like ${kind}`;
          } else if (secretByName(variable.name) && couldBeCredential(value)) {
            reason = 'a literal value, and its name marks it as a secret';
          }
          if (reason === undefined) {
            continue;
          }
          violations.push({
            path: `${specPath}.${field}[${index}].env[${i}].value`,
            message: `container "${container.name}" sets environment variable "${variable.name}" to ${reason}`,
            container: container.name,
          });
        }
      }
    }
    return outcome(violations);
  },
});
