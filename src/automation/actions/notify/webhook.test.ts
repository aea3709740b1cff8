/**
 * notify:webhook against a real HTTPS receiver on 127.0.0.1 (test CA made by openssl), through the
 * production poster (createHttpPoster with the test CA).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  alertSubject,
  azureFindingSubject,
  execAlert,
  httpsOnlyFinding,
  notifyContext,
  notifyInput,
  recordingPoster,
} from '#test/helpers/notify-subjects.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#test/helpers/webhook-receiver.ts';
import { createHttpPoster } from '../../http.ts';
import { ActionError } from '../../types.ts';
import { resolveUrl, urlProblem, type WebhookParams, webhook } from './webhook.ts';

const parse = (params: unknown) => webhook.params.safeParse(params);
const messages = (params: unknown): string[] => {
  const result = parse(params);
  assert.equal(result.success, false);
  return result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
};

describe('notify:webhook metadata and parameters', () => {
  it('acts on any subject, changes nothing and needs no permissions', () => {
    assert.equal(webhook.meta.id, 'notify:webhook');
    assert.equal(webhook.meta.slug, 'webhook');
    assert.deepEqual(webhook.meta.targets, ['kubernetes', 'azure', 'none']);
    assert.equal(webhook.meta.undoable, false);
    assert.equal(webhook.meta.disruptive, false);
    assert.deepEqual(webhook.meta.permissions, {});
    assert.equal(webhook.undo, undefined);
  });

  it('accepts https URLs, env:NAME, and http only to loopback hosts', () => {
    assert.ok(parse({ url: 'https://siem.example.com/hooks/palisade' }).success);
    assert.ok(
      parse({ url: 'env:SIEM_URL', headers: { Authorization: 'env:SIEM_TOKEN', 'X-Source': 'palisade' } }).success,
    );
    assert.ok(parse({ url: 'http://127.0.0.1:8080/hook' }).success);
    assert.ok(parse({ url: 'http://localhost/hook' }).success);
    assert.ok(parse({ url: 'http://[::1]:9000/hook' }).success);
  });

  it('refuses http to other hosts at load, naming only the origin', () => {
    const [issue] = messages({ url: 'http://siem.example.com/secret-token-123' });
    assert.equal(
      issue,
      'url: must use https (plain http only to 127.0.0.1, ::1 or localhost), not http://siem.example.com (give an https URL, or env:NAME to read it from a variable)',
    );
    assert.ok(!issue?.includes('secret-token-123'));
    assert.match(messages({ url: 'ftp://files.example.com/x' })[0] ?? '', /^url: must be an https URL, not a ftp: URL/);
    assert.match(messages({ url: 'not a url' })[0] ?? '', /^url: is not a URL/);
    assert.match(messages({ url: '' })[0] ?? '', /^url: must not be empty/);
    assert.match(messages({ url: 'env:1BAD' })[0] ?? '', /^url: env: must be followed by an environment variable name/);
  });

  it('refuses unknown keys, reserved or malformed header names and line breaks in header values', () => {
    const url = 'https://a.example.com';
    assert.deepEqual(messages({ url, method: 'PUT' }), [': Unrecognized key: "method"']);
    assert.deepEqual(messages({ url, headers: { 'Content-Length': '1' } }), [
      'headers.Content-Length: host, content-length, transfer-encoding and connection are set by the client',
    ]);
    assert.deepEqual(messages({ url, headers: { 'bad name': 'x' } }), [
      "headers.bad name: header names are HTTP tokens (letters, digits and !#$%&'*+.^_`|~-)",
    ]);
    assert.deepEqual(messages({ url, headers: { 'X-A': 'a\r\nX-B: b' } }), [
      'headers.X-A: must not contain line breaks',
    ]);
    assert.deepEqual(messages({ url, headers: { 'X-A': 'env:' } }), [
      'headers.X-A: env: must be followed by an environment variable name (letters, digits and _, not starting with a digit)',
    ]);
    assert.deepEqual(messages({}), ['url: Invalid input: expected string, received undefined']);
  });

  it('urlProblem and resolveUrl check URLs that come from the environment', () => {
    assert.equal(urlProblem('https://hooks.example.com/x'), undefined);
    assert.throws(
      () => resolveUrl('env:HOOK', { env: { HOOK: 'http://hooks.example.com/abc-secret' } }, 'url'),
      (error: unknown) =>
        error instanceof ActionError &&
        !error.transient &&
        error.message ===
          'parameter url: environment variable HOOK must use https (plain http only to 127.0.0.1, ::1 or localhost), not http://hooks.example.com',
    );
    assert.equal(
      resolveUrl('env:HOOK', { env: { HOOK: ' https://h.example.com/p \n' } }, 'url').href,
      'https://h.example.com/p',
    );
  });
});

describe('notify:webhook run', { skip: OPENSSL_SKIP }, () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });
  const ctxFor = (env: Record<string, string> = {}) =>
    notifyContext(createHttpPoster({ ca: receiver.ca, timeoutMs: 5000 }), env);

  it('dry-run says what it would POST and sends nothing', async () => {
    const poster = recordingPoster();
    const params: WebhookParams = { url: 'env:SIEM_URL' };
    const outcome = await webhook.run(
      notifyInput(params, alertSubject(), true),
      notifyContext(poster, { SIEM_URL: 'https://siem.example.com/hooks/abc-secret' }),
    );
    assert.deepEqual(outcome, {
      result: 'planned',
      reason: 'would POST the alert "a1b2c3d4e5f60718" (PAL-TD-0001) as JSON to https://siem.example.com',
    });
    assert.equal(poster.calls.length, 0);
  });

  it('POSTs the alert record with the rule, run and subject, and the configured headers', async () => {
    const params: WebhookParams = {
      url: 'env:SIEM_URL',
      headers: { Authorization: 'env:SIEM_TOKEN', 'X-Source': 'palisade' },
    };
    const outcome = await webhook.run(
      notifyInput(params, alertSubject()),
      ctxFor({ SIEM_URL: `${receiver.origin}/hooks/palisade?k=1`, SIEM_TOKEN: 'Bearer t0ken' }),
    );
    assert.deepEqual(outcome, {
      result: 'applied',
      reason: `posted the alert "a1b2c3d4e5f60718" (PAL-TD-0001) as JSON to ${receiver.origin} (HTTP 200)`,
    });
    assert.equal(receiver.requests.length, 1);
    const [req] = receiver.requests;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, '/hooks/palisade?k=1');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.equal(req?.headers.authorization, 'Bearer t0ken');
    assert.equal(req?.headers['x-source'], 'palisade');
    assert.deepEqual(req?.body, {
      schemaVersion: 1,
      source: 'palisade',
      rule: 'notify-on-call',
      runId: 'run-20250314-0932-7f3a',
      subject: {
        type: 'alert',
        id: 'a1b2c3d4e5f60718',
        ruleId: 'PAL-TD-0001',
        title: 'Exec into a pod',
        severity: 'medium',
        message: execAlert().message,
        target: {
          type: 'kubernetes',
          ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9f8-abcde' },
        },
      },
      alert: execAlert(),
    });
  });

  it('POSTs a finding record under "finding"', async () => {
    const outcome = await webhook.run(notifyInput({ url: `${receiver.origin}/hook` }, azureFindingSubject()), ctxFor());
    assert.equal(outcome.result, 'applied');
    const body = receiver.requests[0]?.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['schemaVersion', 'source', 'rule', 'runId', 'subject', 'finding']);
    assert.deepEqual(body.finding, httpsOnlyFinding());
    assert.deepEqual(body.subject, {
      type: 'finding',
      id: '4d1f0a9e7b3c2e58',
      ruleId: 'PAL-AZR-0101',
      title: 'Storage account accepts unencrypted HTTP requests',
      severity: 'high',
      message: httpsOnlyFinding().message,
      target: {
        type: 'azure',
        id: httpsOnlyFinding().resource.id,
        resourceType: 'Microsoft.Storage/storageAccounts',
        subscriptionId: '00000000-0000-0000-0000-000000000001',
      },
    });
  });

  it('fails, not transiently, naming the variable when the URL or a header variable is missing', async () => {
    await assert.rejects(
      webhook.run(notifyInput({ url: 'env:SIEM_URL' }, alertSubject()), ctxFor({})),
      (error: unknown) =>
        error instanceof ActionError &&
        !error.transient &&
        error.message === 'parameter url: environment variable SIEM_URL is not set',
    );
    await assert.rejects(
      webhook.run(
        notifyInput({ url: `${receiver.origin}/hook`, headers: { Authorization: 'env:SIEM_TOKEN' } }, alertSubject()),
        ctxFor({ SIEM_TOKEN: '' }),
      ),
      (error: unknown) =>
        error instanceof ActionError &&
        !error.transient &&
        error.message === 'parameter headers.Authorization: environment variable SIEM_TOKEN is not set',
    );
    assert.equal(receiver.requests.length, 0);
  });

  it('maps 429 (with Retry-After) and 500 to transient errors and 400 to a permanent one, without the path', async () => {
    const params: WebhookParams = { url: 'env:SIEM_URL' };
    const ctx = ctxFor({ SIEM_URL: `${receiver.origin}/hooks/secret-path` });
    receiver.failNext(1, { status: 429, retryAfter: '7', body: 'slow down' });
    await assert.rejects(webhook.run(notifyInput(params, alertSubject()), ctx), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, true);
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterMs, 7000);
      assert.equal(error.message, `POST ${receiver.origin}: HTTP 429: slow down`);
      return true;
    });
    receiver.failNext(1, { status: 500 });
    await assert.rejects(
      webhook.run(notifyInput(params, alertSubject()), ctx),
      (error: unknown) => error instanceof ActionError && error.transient && error.status === 500,
    );
    receiver.failNext(1, { status: 400, body: 'invalid payload' });
    await assert.rejects(webhook.run(notifyInput(params, alertSubject()), ctx), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, false);
      assert.equal(error.status, 400);
      assert.ok(!error.message.includes('secret-path'));
      return true;
    });
    assert.equal(receiver.requests.length, 3);
    const outcome = await webhook.run(notifyInput(params, alertSubject()), ctx);
    assert.equal(outcome.result, 'applied');
  });
});
