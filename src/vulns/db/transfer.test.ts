/**
 * db update against a local HTTP server laid out like the OSV export bucket, and db push / pull
 * through a real registry (Debian docker-registry) on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningRegistry, startRegistry, toolsMissing } from '#test/helpers/registry/registry.ts';
import { AdvisoryStore } from './store.ts';
import { pullDatabase, pushDatabase, updateDatabase } from './transfer.ts';
import { ZipWriter } from './zip-writer.ts';

const ADVISORIES = fileURLToPath(new URL('../../../test/fixtures/vulns/scan/advisories/', import.meta.url));

describe('db update', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-update-'));
  let server: Server;
  let base = '';
  const requests: string[] = [];
  before(async () => {
    const zip = join(dir, 'all.zip');
    const writer = new ZipWriter(zip);
    for (const name of readdirSync(ADVISORIES)) {
      writer.add(name, readFileSync(join(ADVISORIES, name)));
    }
    writer.close();
    const body = readFileSync(zip);
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/Debian/all.zip') {
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
        res.end(body);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads each ecosystem export and imports it; a missing export is a diagnostic', async () => {
    const store = AdvisoryStore.open({ path: ':memory:' });
    try {
      const result = await updateDatabase(store, { baseUrl: base, ecosystems: ['Debian', 'Red Hat'] });
      assert.deepEqual(requests, ['/Debian/all.zip', '/Red%20Hat/all.zip']);
      assert.equal(result.value[0]?.imported, 5);
      assert.equal(store.status().advisories, 5);
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.location.file]),
        [['vulndb.download-failed', `${base}/Red%20Hat/all.zip`]],
      );
      assert.equal(store.status().sources[0]?.name, 'Debian/all.zip');
    } finally {
      store.close();
    }
  });
});

describe('db push and pull through a real registry', { skip: toolsMissing() ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-dbpush-'));
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(dir, 'registry') });
  });
  after(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes the database file as an OCI artifact and pulls it back byte-identical and usable', async () => {
    const file = join(dir, 'vulndb.sqlite');
    const store = AdvisoryStore.open({ path: file });
    const { importAdvisories } = await import('./import.ts');
    await importAdvisories(store, [ADVISORIES]);
    store.close();
    const ref = `${registry.host}/palisade/vulndb:latest`;
    const pushed = await pushDatabase(file, ref);
    assert.match(pushed.manifestDigest, /^sha256:[0-9a-f]{64}$/);
    const target = join(dir, 'airgap', 'vulndb.sqlite');
    const pulled = await pullDatabase(ref, target);
    assert.equal(pulled.manifestDigest, pushed.manifestDigest);
    assert.deepEqual(readFileSync(target), readFileSync(file));
    const copy = AdvisoryStore.open({ path: target });
    try {
      assert.equal(copy.lookup('Debian:12', 'openssl')[0]?.id, 'DSA-9001-1');
    } finally {
      copy.close();
    }
  });

  it('refuses to pull an artifact that is not a Palisade database', async () => {
    const { pushArtifact } = await import('#images');
    const other = join(dir, 'other.txt');
    (await import('node:fs')).writeFileSync(other, 'not a database');
    const ref = `${registry.host}/palisade/other:1`;
    await pushArtifact(ref, { artifactType: 'application/vnd.example.other', files: [{ path: other }] });
    await assert.rejects(pullDatabase(ref, join(dir, 'x.sqlite')), /artifact/i);
  });
});
