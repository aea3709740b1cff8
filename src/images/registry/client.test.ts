/**
 * Transport behaviour that a healthy registry never shows: stalls, oversized answers, wrong digests.
 * Served by small real HTTP servers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExternalError, InputError } from '#core';
import { RegistryClient } from './client.ts';
import { parseReference } from './reference.ts';

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 },
    layers: [],
  }),
);
const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function serve(handler: RequestListener): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('RegistryClient transport', () => {
  let work: string;
  let server: Server;
  let host: string;
  const blob = Buffer.alloc(10_000, 7);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'palisade-client-'));
    ({ server, host } = await serve((req, res) => {
      const url = req.url ?? '';
      if (url.endsWith('/manifests/stall')) return; // never answers
      if (url.endsWith('/manifests/lying')) {
        res.writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'docker-content-digest': `sha256:${'f'.repeat(64)}`,
        });
        res.end(MANIFEST);
        return;
      }
      if (url.endsWith('/manifests/huge')) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        res.end(Buffer.alloc(5000, 32));
        return;
      }
      if (url.includes('/blobs/')) {
        // Starts the body, then stalls.
        res.writeHead(200, { 'content-length': String(blob.length * 2) });
        res.write(blob);
        return;
      }
      res.writeHead(404);
      res.end();
    }));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it('uses HTTPS except for loopback and listed insecure hosts', () => {
    const client = new RegistryClient({ insecureHosts: ['Reg.Internal:5000'] });
    assert.equal(client.baseUrl('registry-1.docker.io'), 'https://registry-1.docker.io');
    assert.equal(client.baseUrl('reg.internal:5000'), 'http://reg.internal:5000');
    assert.equal(client.baseUrl('reg.internal'), 'https://reg.internal');
    assert.equal(client.baseUrl('[::1]:5000'), 'http://[::1]:5000');
    assert.equal(client.baseUrl('localhost:5000'), 'http://localhost:5000');
  });

  it('times out a registry that does not answer', async () => {
    const client = new RegistryClient({ timeoutMs: 100, retries: 0 });
    await assert.rejects(client.getManifest(parseReference(`${host}/a/b:stall`), 'stall'), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.equal(error.code, 'external.unavailable');
      assert.match(
        error.message,
        new RegExp(`GET http://${host}/v2/a/b/manifests/stall .*timed out waiting for response headers`),
      );
      return true;
    });
  });

  it('refuses a manifest whose Docker-Content-Digest does not match its bytes', async () => {
    const client = new RegistryClient();
    await assert.rejects(
      client.getManifest(parseReference(`${host}/a/b:lying`), 'lying'),
      (error: unknown) =>
        error instanceof InputError &&
        error.message.includes(`content digest ${sha256(MANIFEST)} does not match sha256:ffff`),
    );
  });

  it('caps manifest size', async () => {
    const client = new RegistryClient({ maxManifestBytes: 4096 });
    await assert.rejects(
      client.getManifest(parseReference(`${host}/a/b:huge`), 'huge'),
      (error: unknown) => error instanceof InputError && error.code === 'input.too-large',
    );
  });

  it('refuses blobs over the size cap before downloading, and stops a stalled body with no partial file left', async () => {
    const ref = parseReference(`${host}/a/b:1`);
    const small = new RegistryClient({ maxBlobBytes: 1000 });
    await assert.rejects(
      small.downloadBlob(ref, { mediaType: 'x', digest: sha256(blob), size: 20_000 }, join(work, 'big')),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'input.too-large' &&
        /20000 bytes is over the 1000-byte blob limit/.test(error.message),
    );
    const client = new RegistryClient({ timeoutMs: 150, retries: 0 });
    const dest = join(work, 'store', 'stalled');
    await assert.rejects(
      client.downloadBlob(ref, { mediaType: 'x', digest: sha256(Buffer.concat([blob, blob])), size: 20_000 }, dest),
      (error: unknown) => error instanceof ExternalError && /reading http:\/\/.*failed/.test(error.message),
    );
    assert.equal(existsSync(dest), false);
    assert.deepEqual(readdirSync(join(work, 'store')), []);
  });
});
