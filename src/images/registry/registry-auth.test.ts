/**
 * Authentication against real registries on 127.0.0.1: distribution 2.8 with htpasswd (Basic) and
 * with `auth.token` backed by a Node token server (Bearer challenge, OAuth2 refresh_token exchange).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExternalError } from '#core';
import {
  type BuiltImage,
  type RunningRegistry,
  skopeoCopy,
  startRegistry,
  toolsMissing,
  writeImage,
  writeLayoutIndex,
} from '#test/helpers/registry/registry.ts';
import { startTokenServer, type TokenServer } from '#test/helpers/registry/token-server.ts';
import { resolveCredentials } from './auth.ts';
import { RegistryClient } from './client.ts';
import { pullImage } from './pull.ts';
import { pullArtifact, pushArtifact } from './push.ts';

const skip = toolsMissing();

function deniedError(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ExternalError, String(error));
    assert.equal(error.code, 'external.denied');
    assert.match(error.message, pattern);
    return true;
  };
}

async function buildLayout(dir: string): Promise<BuiltImage> {
  const image = await writeImage(dir, { os: 'linux', architecture: 'amd64' }, [
    { files: { 'etc/hostname': 'auth-test\n' } },
  ]);
  writeLayoutIndex(dir, [
    {
      refName: '1',
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.manifestDigest,
      size: image.manifestSize,
    },
  ]);
  return image;
}

function dockerConfig(dir: string, config: unknown): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('basic auth (htpasswd)', { skip }, () => {
  let work: string;
  let registry: RunningRegistry;
  let image: BuiltImage;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'palisade-registry-basic-'));
    registry = await startRegistry({
      dir: join(work, 'registry'),
      auth: 'htpasswd',
      user: 'scanner',
      password: 's3cret',
    });
    image = await buildLayout(join(work, 'layout'));
    await skopeoCopy(`oci:${join(work, 'layout')}:1`, `docker://${registry.host}/demo/basic:1`, {
      destCreds: 'scanner:s3cret',
    });
  });
  after(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pulls with --username/--password', async () => {
    const result = await pullImage(`${registry.host}/demo/basic:1`, {
      cacheDir: join(work, 'c1'),
      auth: { username: 'scanner', password: 's3cret' },
    });
    assert.equal(result.manifestDigest, image.manifestDigest);
  });

  it('pulls with credentials from config.json (key with scheme and /v1/ path)', async () => {
    const dir = dockerConfig(join(work, 'docker-a'), {
      auths: { [`http://${registry.host}/v1/`]: { auth: Buffer.from('scanner:s3cret').toString('base64') } },
    });
    const result = await pullImage(`${registry.host}/demo/basic:1`, {
      cacheDir: join(work, 'c2'),
      auth: { dockerConfigDir: dir },
    });
    assert.equal(result.manifestDigest, image.manifestDigest);
  });

  it('pulls with credentials from a docker-credential helper on PATH', async () => {
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-palisadetest');
    // A real helper program speaking the protocol: server URL on stdin, JSON on stdout.
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 1\nread server\nif [ "$server" = "${registry.host}" ]; then\n  printf '{"ServerURL":"%s","Username":"scanner","Secret":"s3cret"}' "$server"\nelse\n  echo "credentials not found in native keychain"; exit 1\nfi\n`,
    );
    chmodSync(helper, 0o755);
    const dir = dockerConfig(join(work, 'docker-b'), { credHelpers: { [registry.host]: 'palisadetest' } });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const result = await pullImage(`${registry.host}/demo/basic:1`, {
      cacheDir: join(work, 'c3'),
      auth: { dockerConfigDir: dir, env },
    });
    assert.equal(result.manifestDigest, image.manifestDigest);
    const other = await resolveCredentials('other.example:5000', { dockerConfigDir: join(work, 'docker-b'), env });
    assert.equal(other.credentials, undefined);
  });

  it('gives external.denied for a wrong password and for anonymous access', async () => {
    await assert.rejects(
      pullImage(`${registry.host}/demo/basic:1`, {
        cacheDir: join(work, 'c4'),
        auth: { username: 'scanner', password: 'wrong' },
      }),
      deniedError(/HTTP 401.*refused the credentials from options/),
    );
    await assert.rejects(
      pullImage(`${registry.host}/demo/basic:1`, { cacheDir: join(work, 'c4'), auth: { ignoreDockerConfig: true } }),
      deniedError(/requires credentials \(Basic realm "test-realm"\)/),
    );
  });

  it('warns when the configured credential store is not installed, then fails as anonymous', async () => {
    const dir = dockerConfig(join(work, 'docker-c'), { credsStore: 'palisade-missing' });
    const resolved = await resolveCredentials(registry.host, { dockerConfigDir: dir });
    assert.equal(resolved.credentials, undefined);
    assert.equal(resolved.diagnostics[0]?.code, 'registry.credential-helper');
    assert.match(resolved.diagnostics[0]?.message ?? '', /docker-credential-palisade-missing is not on PATH/);
    await assert.rejects(
      pullImage(`${registry.host}/demo/basic:1`, { cacheDir: join(work, 'c5'), auth: { dockerConfigDir: dir } }),
      deniedError(/requires credentials/),
    );
  });
});

describe('bearer token flow (auth.token + token server)', { skip }, () => {
  let work: string;
  let registry: RunningRegistry;
  let tokens: TokenServer;
  let image: BuiltImage;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'palisade-registry-token-'));
    tokens = await startTokenServer({ dir: work, users: { ci: 'pw' }, refreshTokens: { 'refresh-abc': 'acr-user' } });
    registry = await startRegistry({
      dir: join(work, 'registry'),
      auth: 'token',
      tokenRealm: tokens.realm,
      tokenCert: tokens.certPath,
    });
    image = await buildLayout(join(work, 'layout'));
    await skopeoCopy(`oci:${join(work, 'layout')}:1`, `docker://${registry.host}/demo/tok:1`, { destCreds: 'ci:pw' });
  });
  after(async () => {
    await registry?.stop();
    await tokens?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('answers the Bearer challenge with a token fetched with basic credentials, and caches it', async () => {
    const client = new RegistryClient({ auth: { username: 'ci', password: 'pw' } });
    const before = tokens.requests.length;
    const result = await pullImage(`${registry.host}/demo/tok:1`, { cacheDir: join(work, 'c1'), client });
    assert.equal(result.manifestDigest, image.manifestDigest);
    const made = tokens.requests.slice(before);
    assert.deepEqual(made, [
      { method: 'GET', subject: 'ci', scopes: ['repository:demo/tok:pull'], service: 'test-registry' },
    ]);
    await pullImage(`${registry.host}/demo/tok:1`, { cacheDir: join(work, 'c1b'), client });
    assert.equal(tokens.requests.length, before + 1, 'the cached token served the second pull');
  });

  it('exchanges an identity token from config.json as an OAuth2 refresh_token (ACR after az acr login)', async () => {
    const dir = dockerConfig(join(work, 'docker-acr'), {
      auths: {
        [registry.host]: {
          auth: Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64'),
          identitytoken: 'refresh-abc',
        },
      },
    });
    const before = tokens.requests.length;
    const result = await pullImage(`${registry.host}/demo/tok:1`, {
      cacheDir: join(work, 'c2'),
      auth: { dockerConfigDir: dir },
    });
    assert.equal(result.manifestDigest, image.manifestDigest);
    assert.deepEqual(tokens.requests.slice(before), [
      {
        method: 'POST',
        grantType: 'refresh_token',
        subject: 'acr-user',
        scopes: ['repository:demo/tok:pull'],
        service: 'test-registry',
      },
    ]);
  });

  it('pushes an artifact with a pull,push token and pulls it back', async () => {
    const file = join(work, 'db.sqlite');
    writeFileSync(file, Buffer.from('SQLite format 3\0 test content'));
    const auth = { username: 'ci', password: 'pw' };
    const pushed = await pushArtifact(`${registry.host}/palisade/db:latest`, {
      artifactType: 'application/vnd.palisade.db.v1',
      files: [{ path: file }],
      auth,
    });
    assert.ok(tokens.requests.some((r) => r.scopes.includes('repository:palisade/db:pull,push')));
    const pulled = await pullArtifact(`${registry.host}/palisade/db:latest`, join(work, 'out'), { auth });
    assert.equal(pulled.manifestDigest, pushed.manifestDigest);
    assert.deepEqual(readFileSync(join(work, 'out', 'db.sqlite')), readFileSync(file));
  });

  it('gives external.denied for wrong credentials (token endpoint) and for an anonymous token without access', async () => {
    await assert.rejects(
      pullImage(`${registry.host}/demo/tok:1`, {
        cacheDir: join(work, 'c3'),
        auth: { username: 'ci', password: 'nope' },
      }),
      deniedError(
        /token endpoint GET http:\/\/127\.0\.0\.1:\d+\/token refused the credentials from options \(HTTP 401\)/,
      ),
    );
    await assert.rejects(
      pullImage(`${registry.host}/demo/tok:1`, { cacheDir: join(work, 'c3'), auth: { ignoreDockerConfig: true } }),
      deniedError(/HTTP 401 \(UNAUTHORIZED.*refused anonymous access/),
    );
  });
});
