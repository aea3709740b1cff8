/**
 * `palisade detect serve` end to end: real HTTPS on 127.0.0.1 with an openssl-made CA, audit
 * EventLists from test/fixtures/threats/serve posted as the API server's webhook backend would,
 * alerts on stdout and forwarded to a local HTTP receiver. Skipped when openssl is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Alert } from '#core';
import { captureIo } from '#test/helpers/cli.ts';
import { httpsSend } from '#test/helpers/https.ts';
import { makeCa, makeLeaf, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { run } from '../main.ts';
import { detectCommand } from './detect.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = join(ROOT, 'test/fixtures/threats/serve');
const SKIP = OPENSSL_SKIP;

function certs(dir: string): void {
  makeCa(dir, 'ca');
  makeLeaf(dir, 'tls', 'ca', 'palisade-serve', 'serverAuth', 'DNS:localhost,IP:127.0.0.1');
  // The API server's client certificate (the webhook kubeconfig's client-certificate/client-key).
  makeLeaf(dir, 'client', 'ca', 'kube-apiserver', 'clientAuth', 'DNS:kube-apiserver');
}

/** POSTs an audit body to /audit; resolves with the status code. */
async function post(
  port: number,
  ca: Buffer,
  body: Buffer,
  auth: { cert?: Buffer; key?: Buffer; token?: string } = {},
): Promise<number> {
  return (await httpsSend(port, ca, { path: '/audit', body, type: 'application/json', ...auth })).status;
}

async function waitFor(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(pred(), `timed out waiting for ${what}`);
}

describe('palisade detect serve', { skip: SKIP }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-cli-serve-'));
    certs(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints alerts for posted EventLists as JSON lines and forwards them until stopped', async () => {
    const forwarded: Alert[] = [];
    const sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        forwarded.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: Alert[] }).alerts);
        res.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const sinkPort = (sink.address() as AddressInfo).port;

    const cap = captureIo();
    const { io } = cap;
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(detectCommand(io, { signal: controller.signal }).exitOverride());
    const done = program.parseAsync(
      ['detect', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')].concat([
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--forward',
        `http://127.0.0.1:${sinkPort}/hook`,
      ]),
      { from: 'user' },
    );
    try {
      await waitFor(
        () => /listening on https:\/\/127\.0\.0\.1:\d+\/audit/.test(cap.err()),
        `the listening line; ${cap.err()}`,
      );
      const port = Number(/127\.0\.0\.1:(\d+)\/audit/.exec(cap.err())?.[1]);
      const ca = readFileSync(join(dir, 'ca.crt'));
      assert.equal(await post(port, ca, readFileSync(join(FIX, 'event-list.json'))), 200);
      assert.equal(await post(port, ca, readFileSync(join(FIX, 'truncated.json'))), 400);
      await waitFor(() => cap.out().split('\n').filter(Boolean).length >= 2, `two alerts; stdout: ${cap.out()}`);
    } finally {
      controller.abort();
      await done;
      await new Promise((r) => sink.close(r));
    }
    const alerts = cap
      .out()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Alert);
    const users = (list: Alert[]): string[] => [...new Set(list.map((a) => `${a.ruleId} ${a.actor.user}`))].sort();
    assert.deepEqual(users(alerts), ['PAL-TD-0001 alice@example.com', 'PAL-TD-0002 bob@example.com']);
    assert.deepEqual(users(forwarded), users(alerts), cap.err());
    assert.match(cap.err(), /3 events/);
    assert.match(cap.err(), /1 malformed/);
    assert.match(cap.err(), /warning: no client authentication .*accepts audit events from anyone who can reach it/);
    assert.match(cap.err(), /not valid JSON/);
    assert.equal(cap.code(), 0, cap.err());
  });

  it('takes --rules, --skip-builtin and --format table after serve', async () => {
    const cap = captureIo();
    const { io } = cap;
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(detectCommand(io, { signal: controller.signal }).exitOverride());
    const rules = join(ROOT, 'test/fixtures/threats/detect/rules.yaml');
    const done = program.parseAsync(
      ['detect', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--host', '127.0.0.1'].concat([
        '--port',
        '0',
        '--skip-builtin',
        '--rules',
        rules,
        '--format',
        'table',
      ]),
      { from: 'user' },
    );
    try {
      await waitFor(
        () => /listening on https:\/\/127\.0\.0\.1:\d+\/audit \(3 rules\)/.test(cap.err()),
        `listening; ${cap.err()}`,
      );
      const port = Number(/127\.0\.0\.1:(\d+)\/audit/.exec(cap.err())?.[1]);
      assert.equal(
        await post(port, readFileSync(join(dir, 'ca.crt')), readFileSync(join(FIX, 'event-list.json'))),
        200,
      );
      await waitFor(() => cap.out().includes('PAL-TD-9001'), `a table row; stdout: ${cap.out()}`);
    } finally {
      controller.abort();
      await done;
    }
    // Table rows, not JSON: the test rule file's exec rule, for alice (bob attached, not exec).
    const rows = cap.out().split('\n').filter(Boolean);
    assert.ok(
      rows.every((r) => !r.startsWith('{')),
      cap.out(),
    );
    assert.ok(
      rows.every((r) => r.startsWith('HIGH  PAL-TD-9001') && r.includes('alice@example.com')),
      cap.out(),
    );
  });

  it('requires the client certificate and the token with --client-ca, --client-name and --token-file', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'cli-token\n');
    const cap = captureIo();
    const { io } = cap;
    const controller = new AbortController();
    const program = new Command('palisade').exitOverride();
    program.addCommand(detectCommand(io, { signal: controller.signal }).exitOverride());
    const done = program.parseAsync(
      ['detect', 'serve', '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--host', '127.0.0.1'].concat([
        '--port',
        '0',
        '--client-ca',
        join(dir, 'ca.crt'),
        '--client-name',
        'kube-apiserver',
        '--token-file',
        tokenFile,
      ]),
      { from: 'user' },
    );
    const ca = readFileSync(join(dir, 'ca.crt'));
    const client = { cert: readFileSync(join(dir, 'client.crt')), key: readFileSync(join(dir, 'client.key')) };
    const body = readFileSync(join(FIX, 'event-list.json'));
    try {
      await waitFor(() => /client authentication: /.test(cap.err()), `the authentication line; ${cap.err()}`);
      const port = Number(/127\.0\.0\.1:(\d+)\/audit/.exec(cap.err())?.[1]);
      assert.equal(await post(port, ca, body), 401);
      assert.equal(await post(port, ca, body, { token: 'cli-token' }), 401);
      assert.equal(await post(port, ca, body, { ...client }), 401);
      assert.equal(await post(port, ca, body, { ...client, token: 'other' }), 401);
      assert.equal(await post(port, ca, body, { ...client, token: 'cli-token' }), 200);
      await waitFor(() => cap.out().split('\n').filter(Boolean).length >= 2, `two alerts; stdout: ${cap.out()}`);
    } finally {
      controller.abort();
      await done;
    }
    assert.match(
      cap.err(),
      /client authentication: client certificate signed by .*ca\.crt named kube-apiserver and bearer token from .*token\n/,
    );
    assert.doesNotMatch(cap.err(), /no client authentication/);
    assert.match(cap.err(), /warning: .*request from 127\.0\.0\.1 refused with 401: no client certificate/);
    assert.match(cap.err(), /4 unauthorized, 0 forbidden/);
    assert.match(cap.err(), /3 events/);
    assert.doesNotMatch(cap.err(), /cli-token/, 'the token is never printed');
  });

  it('is a usage error without --cert/--key, or with a bad port', async () => {
    const io = captureIo;
    const a = io();
    assert.equal(await run(['detect', 'serve', '--port', '0'], a.io), 2);
    assert.match(a.err(), /--cert <file> and --key <file>/);
    const b = io();
    const certArgs = ['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')];
    assert.equal(await run(['detect', 'serve', ...certArgs, '--port', '70000'], b.io), 2);
    assert.match(b.err(), /--port: "70000"/);
    const c = io();
    assert.equal(await run(['detect', 'serve', '--cert', join(dir, 'missing.crt'), '--key', 'x'], c.io), 2);
    assert.match(c.err(), /cannot start the audit webhook: .*missing\.crt/);
    const d = io();
    assert.equal(
      await run(['detect', 'serve', ...certArgs, '--port', '0', '--client-name', 'kube-apiserver'], d.io),
      2,
    );
    assert.match(d.err(), /--client-name needs --client-ca/);
    const e = io();
    writeFileSync(join(dir, 'empty-token'), '\n');
    assert.equal(
      await run(['detect', 'serve', ...certArgs, '--port', '0', '--token-file', join(dir, 'empty-token')], e.io),
      2,
    );
    assert.match(e.err(), /cannot start the audit webhook: .*empty-token: the token file is empty/);
  });
});
