/**
 * Namespace labels from the Kubernetes API, against a Kubernetes-API-shaped HTTPS server on
 * 127.0.0.1 (test/helpers/kube-api.ts) reached through a kubeconfig file written by the test:
 * paged list, watch events, 410 → re-list, dropped connections, GET on a cache miss, failures,
 * and a clean close. Skipped when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ConfigError, ExternalError } from '#core';
import { type FakeKubeApi, startFakeKubeApi } from '#test/helpers/kube-api.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import {
  loadKubeConfig,
  type NamespaceLabelSource,
  type NamespaceSourceListener,
  type NamespaceWatchOptions,
  watchNamespaces,
} from './namespace-watch.ts';

type Note =
  | { kind: 'event'; value: string }
  | { kind: 'list'; value: string }
  | { kind: 'restart'; value: string }
  | { kind: 'problem'; value: string }
  | { kind: 'lookup'; value: string };

/** Everything a source reports, and a way to wait for a condition on it (no sleeps). */
function record(source: NamespaceLabelSource): {
  notes: Note[];
  until(pred: (notes: Note[]) => boolean): Promise<void>;
} {
  const notes: Note[] = [];
  const waiters: { pred: (notes: Note[]) => boolean; resolve: () => void }[] = [];
  const push = (note: Note): void => {
    notes.push(note);
    for (const w of [...waiters]) {
      if (w.pred(notes)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const listener: NamespaceSourceListener = {
    event: (value) => push({ kind: 'event', value }),
    list: (value) => push({ kind: 'list', value }),
    restart: (value) => push({ kind: 'restart', value }),
    problem: (value) => push({ kind: 'problem', value }),
    lookup: (value) => push({ kind: 'lookup', value }),
  };
  source.subscribe(listener);
  return {
    notes,
    until: (pred) => (pred(notes) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pred, resolve }))),
  };
}

const count = (notes: Note[], kind: Note['kind'], value?: string): number =>
  notes.filter((n) => n.kind === kind && (value === undefined || n.value === value)).length;

const FAST: NamespaceWatchOptions = { backoff: { initialMs: 5, maxMs: 20 } };

describe('namespace labels from the Kubernetes API', { skip: OPENSSL_SKIP }, () => {
  let dir = '';
  let api: FakeKubeApi;
  let kubeconfig = '';
  const sources: NamespaceLabelSource[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-namespace-watch-'));
    makeServingCerts(dir, ['api']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    api = await startFakeKubeApi(dir);
    api.set('shop', { 'palisade.io/enforce': 'baseline' });
    api.set('dev', { 'palisade.io/warn': 'restricted' });
    api.set('kube-system');
    kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, api.kubeconfig());
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
    await api.close();
  });

  async function open(options: NamespaceWatchOptions = {}): Promise<NamespaceLabelSource> {
    const source = await watchNamespaces({ kubeconfigFile: kubeconfig, ...FAST, ...options });
    sources.push(source);
    return source;
  }

  it('lists every page, keeps only the labels, frozen, and reports the state', async () => {
    const source = await open({ pageSize: 2 });
    assert.equal(source.state().synced, false);
    assert.equal(source.get('shop'), undefined, 'nothing before start');
    source.start();
    assert.equal(await source.whenSynced(), true);
    assert.equal(api.calls.list, 2, 'three namespaces in pages of two');
    assert.deepEqual(source.get('shop'), {
      'kubernetes.io/metadata.name': 'shop',
      'palisade.io/enforce': 'baseline',
    });
    assert.ok(Object.isFrozen(source.get('shop')));
    assert.deepEqual(source.get('kube-system'), { 'kubernetes.io/metadata.name': 'kube-system' });
    const state = source.state();
    assert.equal(state.synced, true);
    assert.equal(state.namespaces, 3);
    assert.equal(state.origin, api.url);
    assert.ok(state.listedAt instanceof Date);
    await api.watchOpened(1);
    assert.equal(api.watchVersions[0], '103', 'the watch starts at the list resourceVersion');
  });

  it('applies ADDED, MODIFIED, DELETED and BOOKMARK events, and resumes from the last version', async () => {
    const source = await open();
    const seen = record(source);
    source.start();
    await source.whenSynced();
    await api.watchOpened(1);
    api.set('shop', { 'palisade.io/enforce': 'restricted' });
    api.set('new', { 'palisade.io/audit': 'baseline' });
    api.remove('dev');
    api.bookmark();
    await seen.until((n) => count(n, 'event', 'BOOKMARK') === 1);
    assert.equal(source.get('shop')?.['palisade.io/enforce'], 'restricted');
    assert.equal(source.get('new')?.['palisade.io/audit'], 'baseline');
    assert.equal(source.get('dev'), undefined);
    assert.deepEqual(
      seen.notes.filter((n) => n.kind === 'event').map((n) => n.value),
      ['MODIFIED', 'ADDED', 'DELETED', 'BOOKMARK'],
    );
    // The server ends the watch: it is resumed at the bookmark's version, without a list.
    api.dropWatches();
    await api.watchOpened(2);
    assert.equal(api.watchVersions[1], '107');
    assert.equal(api.calls.list, 1);
  });

  it('re-lists after an ERROR event with code 410, and watches from the new list', async () => {
    const source = await open();
    const seen = record(source);
    source.start();
    await source.whenSynced();
    await api.watchOpened(1);
    api.expire();
    api.set('after-expiry', { team: 'a' }, { silent: true });
    await seen.until((n) => count(n, 'list', 'ok') === 2);
    assert.equal(api.calls.list, 2, 'one list at start, one after the 410');
    assert.equal(count(seen.notes, 'restart', 'expired'), 1);
    assert.equal(count(seen.notes, 'event', 'ERROR'), 1);
    assert.equal(count(seen.notes, 'problem'), 0, 'an expired watch is routine, not a problem');
    assert.equal(source.get('after-expiry')?.team, 'a', 'the re-list sees what the watch missed');
    await api.watchOpened(2);
    assert.equal(api.watchVersions[1], '105');
  });

  it('reconnects when the connection drops, keeping the labels meanwhile, and catches up', async () => {
    const source = await open();
    const seen = record(source);
    source.start();
    await source.whenSynced();
    await api.watchOpened(1);
    api.dropWatches();
    // While disconnected: the labels stay, and a change made now arrives on the next watch.
    assert.equal(source.get('shop')?.['palisade.io/enforce'], 'baseline');
    api.set('shop', { 'palisade.io/enforce': 'privileged' }, { silent: true });
    await api.watchOpened(2);
    await seen.until(() => source.get('shop')?.['palisade.io/enforce'] === 'privileged');
    assert.equal(api.calls.list, 1, 'a dropped watch is resumed, not re-listed');
    assert.ok(count(seen.notes, 'restart') >= 1);
    assert.equal(source.state().watching, true);
  });

  it('reads a namespace not in the cache with one GET, and answers undefined for a 404', async () => {
    const source = await open();
    const seen = record(source);
    source.start();
    await source.whenSynced();
    api.set('just-created', { 'palisade.io/enforce': 'restricted' }, { silent: true });
    const [a, b] = await Promise.all([source.lookup('just-created'), source.lookup('just-created')]);
    assert.equal(a?.['palisade.io/enforce'], 'restricted');
    assert.equal(a, b);
    assert.equal(api.calls.get, 1, 'concurrent lookups share the GET');
    assert.equal(await source.lookup('just-created'), a, 'then cached');
    assert.equal(await source.lookup('shop'), source.get('shop'));
    assert.equal(api.calls.get, 1);
    assert.equal(await source.lookup('missing'), undefined);
    assert.equal(api.calls.get, 2);
    assert.deepEqual(
      seen.notes.filter((n) => n.kind === 'lookup').map((n) => n.value),
      ['fetched', 'hit', 'hit', 'not-found'],
    );
  });

  it('reports failures, retries with backoff, and rejects lookups it cannot make', async () => {
    const denied = join(dir, 'denied.yaml');
    writeFileSync(denied, api.kubeconfig().replace(/token: .*/, 'token: wrong'));
    const source = await open({ kubeconfigFile: denied });
    const seen = record(source);
    source.start();
    await seen.until((n) => count(n, 'problem') >= 2);
    assert.match(
      seen.notes.find((n) => n.kind === 'problem')?.value ?? '',
      /^cannot list Namespaces from https:\/\/127\.0\.0\.1:\d+: HTTP 401; retrying in \d+ ms$/,
    );
    assert.equal(source.state().synced, false);
    assert.match(source.state().lastError ?? '', /HTTP 401/);
    await assert.rejects(source.lookup('shop'), (error: unknown) => {
      assert.ok(error instanceof ExternalError);
      assert.match(error.message, /cannot read Namespace "shop" from https:\/\/127\.0\.0\.1:\d+: HTTP 401/);
      return true;
    });
    await source.close();
    assert.equal(await source.whenSynced(), false);
  });

  it('gives up a lookup at its time limit', async () => {
    const source = await open({ lookupTimeoutMs: 1 });
    // Not started: every lookup is a GET; 1 ms is too short for a TLS handshake.
    await assert.rejects(source.lookup('shop'), /cannot read Namespace "shop" from .*: timed out/);
  });

  it('refuses a kubeconfig that does not load or names no cluster', async () => {
    await assert.rejects(loadKubeConfig(join(dir, 'missing.yaml')), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /cannot load .*missing\.yaml/);
      return true;
    });
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    await assert.rejects(loadKubeConfig(empty), /empty\.yaml: no current context with a cluster server/);
  });

  it('leaves nothing open after close: a process that syncs and closes exits by itself', async () => {
    const module = new URL('./namespace-watch.ts', import.meta.url).href;
    const script = `
      const { watchNamespaces } = await import(${JSON.stringify(module)});
      const source = await watchNamespaces({ kubeconfigFile: ${JSON.stringify(kubeconfig)} });
      source.start();
      await source.whenSynced();
      await source.lookup('missing');
      await source.close();
      console.log('closed', source.state().namespaces);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 5000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    assert.equal(exited, 0, `the process did not exit by itself: ${out}`);
    assert.match(out, /^closed 3$/m);
  });
});
