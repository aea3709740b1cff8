import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, ExternalError, InputError } from '#core';
import { normalizeConfigKey, parseWwwAuthenticate, resolveCredentials, TokenCache } from './auth.ts';
import { parseManifest } from './manifest.ts';
import { parsePlatform, selectPlatform } from './pull.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/images/registry');
const noHelpers = { env: { PATH: '' } };

describe('parseWwwAuthenticate', () => {
  it('parses a Bearer challenge with quoted params containing commas, colons and escapes', () => {
    const [c] = parseWwwAuthenticate(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push",error="insufficient_scope",note="say \\"hi\\""',
    );
    assert.equal(c?.scheme, 'bearer');
    assert.deepEqual(c?.params, {
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/nginx:pull,push',
      error: 'insufficient_scope',
      note: 'say "hi"',
    });
  });

  it('parses Basic, case-insensitive names, whitespace around "=" and unquoted token values', () => {
    assert.deepEqual(parseWwwAuthenticate('basic Realm = "test-realm" , charset=UTF-8'), [
      { scheme: 'basic', params: { realm: 'test-realm', charset: 'UTF-8' } },
    ]);
  });

  it('splits several challenges, including one with a token68 and one without parameters', () => {
    const challenges = parseWwwAuthenticate(
      'Negotiate abc+/def==, Newauth, Basic realm="x", Bearer realm="https://t/token",service="s"',
    );
    assert.deepEqual(
      challenges.map((c) => [c.scheme, c.token68, c.params]),
      [
        ['negotiate', 'abc+/def==', {}],
        ['newauth', undefined, {}],
        ['basic', undefined, { realm: 'x' }],
        ['bearer', undefined, { realm: 'https://t/token', service: 's' }],
      ],
    );
  });

  it('rejects malformed headers with an ExternalError quoting the header', () => {
    for (const header of ['Bearer realm="unterminated', 'Bearer realm=@x', '=x', 'Bearer realm="a" service="b"']) {
      assert.throws(
        () => parseWwwAuthenticate(header),
        (error: unknown) => error instanceof ExternalError && error.message.includes(header),
        header,
      );
    }
  });
});

describe('Docker config credentials', () => {
  const dockerConfigDir = join(FIXTURES, 'docker-config');

  it('normalises config keys with scheme, case and path', () => {
    assert.equal(normalizeConfigKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(normalizeConfigKey('HTTP://Registry.Example.com:5000/v2/'), 'registry.example.com:5000');
    assert.equal(normalizeConfigKey('myacr.azurecr.io'), 'myacr.azurecr.io');
  });

  it('finds Docker Hub credentials under https://index.docker.io/v1/', async () => {
    const { credentials } = await resolveCredentials('docker.io', { dockerConfigDir, ...noHelpers });
    assert.deepEqual(credentials, {
      kind: 'basic',
      username: 'hub-user',
      password: 'hub-pass',
      source: `${join(dockerConfigDir, 'config.json')} auths.https://index.docker.io/v1/`,
    });
  });

  it('returns the identity token ACR writes, with its placeholder user', async () => {
    const { credentials } = await resolveCredentials('myacr.azurecr.io', { dockerConfigDir, ...noHelpers });
    assert.equal(credentials?.kind, 'identity-token');
    assert.equal(credentials?.kind === 'identity-token' && credentials.token, 'eyJhbGciOiJSUzI1NiJ9.refresh.sig');
    assert.equal(
      credentials?.kind === 'identity-token' && credentials.username,
      '00000000-0000-0000-0000-000000000000',
    );
  });

  it('matches a key with scheme and upper case, and reads username/password fields', async () => {
    const { credentials } = await resolveCredentials('registry.example.com:5000', { dockerConfigDir, ...noHelpers });
    assert.equal(credentials?.kind === 'basic' && `${credentials.username}:${credentials.password}`, 'plain:text');
  });

  it('reports an undecodable auth field as a diagnostic naming the entry, and empty entries as no credentials', async () => {
    const broken = await resolveCredentials('broken.example.com', { dockerConfigDir, ...noHelpers });
    assert.equal(broken.credentials, undefined);
    assert.equal(broken.diagnostics[0]?.location.path, 'auths.broken.example.com');
    assert.match(broken.diagnostics[0]?.message ?? '', /not base64 of "user:password"/);
    const empty = await resolveCredentials('empty.example.com', { dockerConfigDir, ...noHelpers });
    assert.deepEqual(empty, { diagnostics: [] });
  });

  it('uses $DOCKER_CONFIG, prefers explicit options, and treats a missing file as anonymous', async () => {
    const viaEnv = await resolveCredentials('docker.io', { env: { DOCKER_CONFIG: dockerConfigDir, PATH: '' } });
    assert.equal(viaEnv.credentials?.kind, 'basic');
    const explicit = await resolveCredentials('docker.io', { username: 'u', password: 'p', dockerConfigDir });
    assert.equal(explicit.credentials?.source, 'options');
    assert.deepEqual(await resolveCredentials('docker.io', { dockerConfigDir: join(FIXTURES, 'nowhere') }), {
      diagnostics: [],
    });
    await assert.rejects(resolveCredentials('docker.io', { username: 'u' }), ConfigError);
  });

  it('refuses an invalid or non-JSON config with a ConfigError naming the file and field', async () => {
    await assert.rejects(
      resolveCredentials('quay.io', { dockerConfigDir: join(FIXTURES, 'docker-config-invalid') }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.location?.path, 'auths.quay.io.auth');
        assert.match(error.message, /docker-config-invalid\/config\.json/);
        return true;
      },
    );
    await assert.rejects(
      resolveCredentials('quay.io', { dockerConfigDir: join(FIXTURES, 'docker-config-not-json') }),
      /config\.json is not JSON/,
    );
  });
});

describe('TokenCache', () => {
  it('keys tokens by host and scope set and drops them when they expire', () => {
    let now = 1000;
    const cache = new TokenCache(() => now);
    cache.set('h', ['repository:a:pull', 'repository:b:pull'], { token: 't1', expiresAt: 2000 });
    assert.equal(cache.get('h', ['repository:b:pull', 'repository:a:pull']), 't1');
    assert.equal(cache.get('h', ['repository:a:pull']), undefined);
    assert.equal(cache.get('other', ['repository:a:pull', 'repository:b:pull']), undefined);
    now = 2000;
    assert.equal(cache.get('h', ['repository:a:pull', 'repository:b:pull']), undefined);
  });
});

describe('platform selection and manifest parsing', () => {
  const indexBytes = readFileSync(join(FIXTURES, 'manifests/index-with-attestations.json'));
  const parsed = parseManifest(indexBytes, 'application/vnd.oci.image.index.v1+json', 'fixture');
  assert.equal(parsed.kind, 'index');
  const index = parsed.kind === 'index' ? parsed.index : { schemaVersion: 2 as const, manifests: [] };

  it('picks os/arch[/variant], treating arm64 without a variant as v8', () => {
    assert.equal(selectPlatform(index, parsePlatform('linux/amd64'), 'x').digest.slice(7, 11), '1111');
    assert.equal(selectPlatform(index, parsePlatform('linux/arm/v7'), 'x').digest.slice(7, 11), '2222');
    assert.equal(selectPlatform(index, parsePlatform('linux/arm64/v8'), 'x').digest.slice(7, 11), '3333');
    assert.equal(selectPlatform(index, parsePlatform('Windows/AMD64'), 'x').digest.slice(7, 11), '4444');
  });

  it('lists the available platforms (not attestations) when none matches', () => {
    assert.throws(
      () => selectPlatform(index, parsePlatform('linux/arm/v6'), 'demo:1'),
      (error: unknown) =>
        error instanceof InputError &&
        error.message ===
          'demo:1 has no image for linux/arm/v6; available platforms: linux/amd64, linux/arm/v7, linux/arm64, windows/amd64',
    );
  });

  it('rejects schema 1, invalid digests and non-JSON manifests with typed errors', () => {
    assert.throws(
      () => parseManifest(readFileSync(join(FIXTURES, 'manifests/schema1.json')), 'application/json', 'old:1'),
      (error: unknown) => error instanceof InputError && error.code === 'input.unsupported',
    );
    assert.throws(
      () => parseManifest(readFileSync(join(FIXTURES, 'manifests/bad-digest.json')), undefined, 'bad:1'),
      (error: unknown) =>
        error instanceof InputError && /bad:1: invalid manifest at "config.digest"/.test(error.message),
    );
    assert.throws(
      () => parseManifest(Buffer.from('{"schemaVer'), undefined, 'trunc:1'),
      /trunc:1: manifest is not JSON/,
    );
    assert.throws(() => parseManifest(Buffer.from('[]'), undefined, 'arr:1'), /not a JSON object/);
  });
});
