import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { secretsInEnv } from './secrets-in-env.ts';

// Credential-shaped test values are assembled at run time so that the source holds no string a
// secret scanner would take for a real credential. None of them is valid anywhere.
const filler = (n: number): string => 'Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7'.repeat(Math.ceil(n / 27)).slice(0, n);
const pem = [
  '-----BEGIN ',
  'RSA PRIVATE',
  ' KEY-----\nMIIEowIBAAKCAQEA',
  filler(40),
  '\n-----END RSA PRIVATE KEY-----',
].join('');
const jwt = ['eyJ', 'hbGciOiJIUzI1NiJ9', '.eyJ', 'zdWIiOiJ0ZXN0In0', '.', filler(43)].join('');
const github = ['gh', 'p_', filler(36)].join('');
const stripe = ['sk', '_live_', filler(24)].join('');
const storage = [
  'DefaultEndpointsProtocol=https;AccountName=shop;Account',
  'Key=',
  filler(86),
  '==;EndpointSuffix=core.windows.net',
].join('');
const entra = ['abc', '8Q~', filler(34)].join('');

function envOf(vars: readonly (readonly [string, string])[]): string {
  return vars.map(([name, value]) => `        - { name: ${name}, value: ${JSON.stringify(value)} }`).join('\n');
}

function messagesFor(vars: readonly (readonly [string, string])[]): string[] {
  const [finding] = runCheckOn(
    secretsInEnv,
    `
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
      - name: api
        image: api:1
        env:
${envOf(vars)}
`,
  );
  assert.notEqual(finding?.status, 'error');
  return finding?.violations.map((v) => v.message) ?? [];
}

const BY_NAME = 'a literal value, and its name marks it as a secret';

describe('secrets-in-env', () => {
  const secrets: readonly (readonly [string, string, string])[] = [
    ['DB_PASSWORD', 'hunter2!', BY_NAME],
    ['POSTGRES_PASSWORD', 'changeme', BY_NAME],
    ['dbPassword', 'S3cure-pass', BY_NAME],
    ['SMTP_PASS', 'mailpass1', BY_NAME],
    ['DB_PWD', 'pa55word', BY_NAME],
    ['JWT_SECRET', 'a-long-signing-secret', BY_NAME],
    ['SECRET_KEY_BASE', 'f00dfeed', BY_NAME],
    ['GITHUB_TOKEN', 'not-a-known-format', BY_NAME],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMIK7MDENGbPxRfiCY', BY_NAME],
    ['OPENAI_API_KEY', 'key-1234567', BY_NAME],
    ['apiKey', 'abcd1234', BY_NAME],
    ['STRIPE_PRIVATE_KEY', 'opaque-value', BY_NAME],
    ['AZURE_CLIENT_SECRET', 'opaque-value', BY_NAME],
    ['REGISTRY_CREDENTIALS', 'user:pw', BY_NAME],
    ['ENABLE_TOKEN_AUTH', 'maybe', BY_NAME],
    ['PRIVATE', pem, 'a literal value that looks like a PEM private key'],
    ['SESSION', jwt, 'a literal value that looks like a signed JSON Web Token'],
    ['GH', github, 'a literal value that looks like a GitHub token'],
    ['PAYMENTS', stripe, 'a literal value that looks like a Stripe live key'],
    [
      'STORAGE_CONNECTION_STRING',
      storage,
      'a literal value that looks like a connection string with an account or shared access key',
    ],
    [
      'SQL',
      'Server=tcp:db.example.net;Database=shop;User Id=app;Password=Pa55w0rd;',
      'a literal value that looks like a connection string with a password',
    ],
    [
      'DATABASE_URL',
      'postgres://app:s3cret@db.shop.svc:5432/shop',
      'a literal value that looks like a URL with an embedded password',
    ],
    ['REDIS_URL', 'redis://:s3cret@redis:6379/0', 'a literal value that looks like a URL with an embedded password'],
    ['AZURE_CLIENT_SECRET_VALUE', entra, 'a literal value that looks like an Entra ID client secret'],
  ];
  for (const [name, value, reason] of secrets) {
    it(`reports ${name} (${reason.replace('a literal value', '').trim() || 'name'})`, () => {
      assert.deepEqual(messagesFor([[name, value]]), [
        `container "api" sets environment variable "${name}" to ${reason}`,
      ]);
    });
  }

  const notSecrets: readonly (readonly [string, string])[] = [
    ['PASSWORD_FILE', '/run/secrets/db-password'],
    ['DB_PASSWORD', '/etc/app/db-password'],
    ['SECRET_NAME', 'db-credentials'],
    ['TOKEN_URL', 'https://login.example.com/oauth2/token'],
    ['TOKEN_TTL', '3600'],
    ['ACCESS_TOKEN_LIFETIME', '15m'],
    ['API_KEY_HEADER', 'X-Api-Key'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['PASSWORD_MIN_LENGTH', '12'],
    ['REQUIRE_PASSWORD', 'true'],
    ['USE_TOKEN', 'yes'],
    ['TOKEN_AUTH', 'off'],
    ['DB_PASSWORD', ''],
    ['DB_PASSWORD', '$(POSTGRES_PASSWORD)'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unrendered placeholder is the input under test
    ['DB_PASSWORD', '${DB_PASSWORD}'],
    ['DB_PASSWORD', '{{ .Values.db.password }}'],
    ['DB_PASSWORD', '<your-password>'],
    ['DB_PASSWORD', '********'],
    ['DB_PASSWORD', 'REDACTED'],
    ['DB_PASSWORD', 'abc'],
    ['PWD', '/app'],
    ['OLDPWD', '/'],
    ['KEY', 'value-of-a-key'],
    ['CACHE_KEY_PREFIX', 'shop:'],
    ['PRIMARY_KEY_COLUMN', 'customer_id'],
    ['PRIMARY_KEY', 'customer_id'],
    ['CACHE_KEY', 'shop-cache'],
    ['DATABASE_URL', 'postgres://db.shop.svc:5432/shop'],
    ['DATABASE_URL', 'postgres://app:$(DB_PASSWORD)@db:5432/shop'],
    [
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
    ],
    [
      'SQL_CONNECTION_STRING',
      'Server=tcp:db.example.net;Database=shop;Authentication=Active Directory Managed Identity',
    ],
    ['KEYCLOAK_URL', 'https://sso.example.com'],
    ['PATH', '/usr/local/bin:/usr/bin'],
    ['LOG_LEVEL', 'debug'],
    ['TOKENIZER', 'wordpiece'],
  ];
  for (const [name, value] of notSecrets) {
    it(`does not report ${name}=${JSON.stringify(value)}`, () => {
      assert.deepEqual(messagesFor([[name, value]]), []);
    });
  }

  it('uses exact paths, covers init and ephemeral containers, ignores valueFrom, never prints values', () => {
    const [finding] = runCheckOn(
      secretsInEnv,
      `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  initContainers:
    - name: migrate
      image: migrate:1
      env:
        - { name: LOG_LEVEL, value: info }
        - { name: DB_PASSWORD, value: "init-s3cret" }
  containers:
    - name: app
      image: app:1
      env:
        - name: API_TOKEN
          valueFrom: { secretKeyRef: { name: api, key: token } }
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      env:
        - { name: ADMIN_PASSWORD, value: "debug-s3cret" }
`,
    );
    assert.deepEqual(finding?.violations, [
      {
        path: 'spec.initContainers[0].env[1].value',
        message: `container "migrate" sets environment variable "DB_PASSWORD" to ${BY_NAME}`,
        container: 'migrate',
      },
      {
        path: 'spec.ephemeralContainers[0].env[0].value',
        message: `container "debug" sets environment variable "ADMIN_PASSWORD" to ${BY_NAME}`,
        container: 'debug',
      },
    ]);
    assert.ok(!JSON.stringify(finding).includes('s3cret'));
  });
});
