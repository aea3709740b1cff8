/**
 * What streamLayerBlob and verifyLayerBlob check (see layer-stream.ts): the blob against its
 * descriptor digest always; the uncompressed stream against the diff ID only when the blob has no
 * digest of its own; a blob verified without decompressing for cached layers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InputError } from '#core';
import { makeTar, sha256 } from '#test/helpers/images/layout.ts';
import { directorySource } from './blob-source.ts';
import { streamLayerBlob, verifyLayerBlob } from './layer-stream.ts';
import { DEFAULT_LIMITS, type LayerRef } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-layer-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tarBytes = await makeTar([{ name: 'etc/motd', content: 'hello\n' }]);
const gzipped = gzipSync(tarBytes);
writeFileSync(join(dir, 'layer.tar.gz'), gzipped);
writeFileSync(join(dir, 'layer.tar'), tarBytes);
const source = await directorySource(dir);
const ctx = { source, image: 'test-image' };
const WRONG = `sha256:${'0'.repeat(64)}`;

function ref(blobPath: string, size: number, diffId: string, digest?: string): LayerRef {
  return { index: 0, diffId, mediaType: 'x', size, blobPath, ...(digest ? { digest } : {}) };
}

async function stream(layer: LayerRef) {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return streamLayerBlob(ctx, layer, sink, { limits: DEFAULT_LIMITS, uncompressedSoFar: 0 });
}

const refused = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof InputError);
  assert.match(error.message, pattern);
  return true;
};

describe('layer digests', () => {
  it('accepts a blob matching its digest and checks no diff ID then (the manifest pins the blob)', async () => {
    const outcome = await stream(ref('layer.tar.gz', gzipped.length, WRONG, sha256(gzipped)));
    assert.equal(outcome.complete, true);
    assert.equal(outcome.uncompressedBytes, tarBytes.length);
  });

  it('refuses a blob that does not match its digest', async () => {
    await assert.rejects(
      stream(ref('layer.tar.gz', gzipped.length, sha256(tarBytes), WRONG)),
      refused(/blob layer\.tar\.gz does not match its digest/),
    );
    await assert.rejects(
      verifyLayerBlob(ctx, ref('layer.tar.gz', gzipped.length, sha256(tarBytes), WRONG)),
      refused(/does not match its digest/),
    );
  });

  it('checks the diff ID of a compressed blob that has no digest of its own', async () => {
    const ok = await stream(ref('layer.tar.gz', gzipped.length, sha256(tarBytes)));
    assert.equal(ok.complete, true);
    await assert.rejects(
      stream(ref('layer.tar.gz', gzipped.length, WRONG)),
      refused(/uncompressed content does not match its diff ID/),
    );
  });

  it('checks an uncompressed blob without a digest against its diff ID', async () => {
    assert.equal((await stream(ref('layer.tar', tarBytes.length, sha256(tarBytes)))).complete, true);
    await assert.rejects(stream(ref('layer.tar', tarBytes.length, WRONG)), refused(/does not match its digest/));
    assert.equal(await verifyLayerBlob(ctx, ref('layer.tar', tarBytes.length, sha256(tarBytes))), 'verified');
    await assert.rejects(verifyLayerBlob(ctx, ref('layer.tar', tarBytes.length, WRONG)), refused(/digest/));
  });

  it('verifyLayerBlob: verified, or unverifiable without decompressing (no digest, missing, truncated)', async () => {
    assert.equal(await verifyLayerBlob(ctx, ref('layer.tar.gz', gzipped.length, WRONG, sha256(gzipped))), 'verified');
    assert.equal(await verifyLayerBlob(ctx, ref('layer.tar.gz', gzipped.length, sha256(tarBytes))), 'unverifiable');
    assert.equal(await verifyLayerBlob(ctx, ref('missing', 10, WRONG, sha256(gzipped))), 'unverifiable');
    assert.equal(
      await verifyLayerBlob(ctx, ref('layer.tar.gz', gzipped.length + 1, WRONG, sha256(gzipped))),
      'unverifiable',
    );
  });
});
