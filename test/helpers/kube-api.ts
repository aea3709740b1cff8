/**
 * A Kubernetes-API-shaped HTTPS server on 127.0.0.1 serving Namespaces, for tests of code that
 * lists and watches them (no real API server can run here). It answers, with a bearer token:
 * - `GET /api/v1/namespaces`: a v1 NamespaceList with metadata.resourceVersion, paged by `limit`
 *   and `continue`; it waits for `holdLists()` to be released when asked to;
 * - `GET /api/v1/namespaces?watch=true&resourceVersion=N`: watch events as JSON lines from N on
 *   (ADDED, MODIFIED, DELETED, BOOKMARK), an ERROR event with a 410 Status when N was compacted;
 * - `GET /api/v1/namespaces/<name>`: the Namespace, or a 404 Status.
 * `kubeconfig()` is the YAML of a kubeconfig pointing at it (CA data, token user).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const FAKE_KUBE_TOKEN = 'palisade-test-token';

interface Stored {
  readonly labels: Readonly<Record<string, string>>;
  readonly resourceVersion: number;
}

interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: unknown;
}

export interface FakeKubeApi {
  readonly port: number;
  readonly url: string;
  /** Calls by kind: list pages, watches, single GETs, refused (bad token). */
  readonly calls: { list: number; watch: number; get: number; unauthorized: number };
  /** The resourceVersion query of each watch, in order. */
  readonly watchVersions: string[];
  kubeconfig(): string;
  /** Creates or changes a namespace; `silent` skips the watchers (as if not seen yet). */
  set(name: string, labels?: Record<string, string>, options?: { silent?: boolean }): void;
  remove(name: string): void;
  bookmark(): void;
  /** Compacts history: open watches get an ERROR 410 and end; older versions get 410 too. */
  expire(): void;
  /** Destroys the open watch connections without an event. */
  dropWatches(): void;
  /** Lists wait until the returned function is called. */
  holdLists(): () => void;
  /** Resolves when `n` watch connections have been opened in all (counting from the start). */
  watchOpened(n: number): Promise<void>;
  close(): Promise<void>;
}

function namespaceOf(name: string, stored: Stored): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: String(stored.resourceVersion),
      labels: { 'kubernetes.io/metadata.name': name, ...stored.labels },
      annotations: { 'openshift.io/description': 'dropped by the cache' },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** Starts the server with the serving certificate `${name}.crt`/`.key` of `dir` (CA `ca.crt`). */
export async function startFakeKubeApi(dir: string, name = 'api'): Promise<FakeKubeApi> {
  const ca = readFileSync(join(dir, 'ca.crt'));
  const store = new Map<string, Stored>();
  let version = 100;
  let compactedBelow = 0;
  let hold: Promise<void> | undefined;
  const watchers = new Set<ServerResponse>();
  const calls = { list: 0, watch: 0, get: 0, unauthorized: 0 };
  const watchVersions: string[] = [];
  const openedWaiters: { n: number; resolve: () => void }[] = [];

  function send(event: WatchEvent): void {
    for (const res of watchers) res.write(`${JSON.stringify(event)}\n`);
  }

  function json(res: ServerResponse, code: number, body: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(body);
  }

  async function list(res: ServerResponse, query: URLSearchParams): Promise<void> {
    calls.list++;
    if (hold) await hold;
    const names = [...store.keys()].sort();
    const limit = Number(query.get('limit') ?? '0');
    const start = Number(query.get('continue') ?? '0');
    const end = limit > 0 ? Math.min(names.length, start + limit) : names.length;
    const items = names.slice(start, end).map((n) => namespaceOf(n, store.get(n) as Stored));
    const metadata = { resourceVersion: String(version), ...(end < names.length ? { continue: String(end) } : {}) };
    json(res, 200, JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata, items }));
  }

  function watch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    calls.watch++;
    const from = Number(query.get('resourceVersion') ?? '0');
    watchVersions.push(query.get('resourceVersion') ?? '');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const waiter of openedWaiters.filter((w) => calls.watch >= w.n)) waiter.resolve();
    if (from < compactedBelow) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: JSON.parse(status(410, 'Expired', `too old resource version: ${from} (${compactedBelow})`)) })}\n`,
      );
      return;
    }
    for (const [n, stored] of store) {
      if (stored.resourceVersion > from)
        res.write(`${JSON.stringify({ type: 'ADDED', object: namespaceOf(n, stored) })}\n`);
    }
    watchers.add(res);
    req.on('close', () => watchers.delete(res));
  }

  function get(res: ServerResponse, nsName: string): void {
    calls.get++;
    const stored = store.get(nsName);
    if (stored === undefined) json(res, 404, status(404, 'NotFound', `namespaces "${nsName}" not found`));
    else json(res, 200, JSON.stringify(namespaceOf(nsName, stored)));
  }

  const server: Server = createServer(
    { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      if (req.headers.authorization !== `Bearer ${FAKE_KUBE_TOKEN}`) {
        calls.unauthorized++;
        json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
      const single = /^\/api\/v1\/namespaces\/(?<name>[^/]+)$/.exec(url.pathname);
      if (single?.groups?.name) get(res, decodeURIComponent(single.groups.name));
      else if (url.pathname !== '/api/v1/namespaces')
        json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      else if (url.searchParams.get('watch') === 'true') watch(req, res, url.searchParams);
      else void list(res, url.searchParams);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;

  return {
    port,
    url,
    calls,
    watchVersions,
    kubeconfig: () =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${url}\n    certificate-authority-data: ${ca.toString('base64')}`,
        'users:',
        `- name: tester\n  user:\n    token: ${FAKE_KUBE_TOKEN}`,
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: tester',
        'current-context: fake',
        '',
      ].join('\n'),
    set(nsName, labels = {}, options = {}) {
      const existed = store.has(nsName);
      const stored = { labels: { ...labels }, resourceVersion: ++version };
      store.set(nsName, stored);
      if (!options.silent) send({ type: existed ? 'MODIFIED' : 'ADDED', object: namespaceOf(nsName, stored) });
    },
    remove(nsName) {
      const stored = store.get(nsName);
      if (!stored) return;
      store.delete(nsName);
      send({ type: 'DELETED', object: namespaceOf(nsName, { ...stored, resourceVersion: ++version }) });
    },
    bookmark() {
      send({
        type: 'BOOKMARK',
        object: { kind: 'Namespace', apiVersion: 'v1', metadata: { resourceVersion: String(++version) } },
      });
    },
    expire() {
      compactedBelow = ++version;
      for (const res of watchers) {
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: JSON.parse(status(410, 'Expired', 'too old resource version')) })}\n`,
        );
      }
      watchers.clear();
    },
    dropWatches() {
      for (const res of watchers) res.socket?.destroy();
      watchers.clear();
    },
    holdLists() {
      let release: () => void = () => {};
      hold = new Promise<void>((resolve) => {
        release = () => {
          hold = undefined;
          resolve();
        };
      });
      return release;
    },
    watchOpened(n) {
      if (calls.watch >= n) return Promise.resolve();
      return new Promise((resolve) => openedWaiters.push({ n, resolve }));
    },
    close() {
      for (const res of watchers) res.socket?.destroy();
      watchers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
