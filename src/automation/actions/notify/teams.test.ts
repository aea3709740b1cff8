/**
 * notify:teams against a real HTTPS receiver on 127.0.0.1 standing in for a Teams Workflows webhook
 * (test CA made by openssl), through the production poster. The card is checked against the
 * Adaptive Card 1.4 schema's required properties and enumerations for the elements it uses, and
 * against Teams' 28 KB message limit.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Violation } from '#core';
import {
  alertSubject,
  azureFindingSubject,
  execAlert,
  k8sFindingSubject,
  notifyContext,
  notifyInput,
  recordingPoster,
  STORAGE_ID,
} from '#test/helpers/notify-subjects.ts';
import { OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { startWebhookReceiver, type WebhookReceiver } from '#test/helpers/webhook-receiver.ts';
import { createHttpPoster } from '../../http.ts';
import { subjectSummary } from '../../render.ts';
import { ActionError } from '../../types.ts';
import { severityColor, TEAMS_MAX_BYTES, teams, teamsMessage } from './teams.ts';

type Json = Record<string, unknown>;

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  weight: ['default', 'lighter', 'bolder'],
  size: ['default', 'small', 'medium', 'large', 'extraLarge'],
  color: ['default', 'dark', 'light', 'accent', 'good', 'warning', 'attention'],
  spacing: ['default', 'none', 'small', 'medium', 'large', 'extraLarge', 'padding'],
};
const TEXT_BLOCK_KEYS = new Set([
  'type',
  'text',
  'wrap',
  'weight',
  'size',
  'color',
  'spacing',
  'separator',
  'isSubtle',
]);

/** The card of a Workflows message (after cardProblems said it is one). */
function cardOf(message: Json): Json {
  const [attachment] = message.attachments as Json[];
  assert.ok(attachment);
  return attachment.content as Json;
}

function factsOf(body: readonly Json[]): Json[] {
  const facts = body.find((e) => e.type === 'FactSet')?.facts;
  assert.ok(Array.isArray(facts));
  return facts as Json[];
}

/** Problems of a Workflows message with one Adaptive Card 1.4 (the elements this action uses). */
function cardProblems(message: Json): string[] {
  const problems: string[] = [];
  if (message.type !== 'message') problems.push('type must be "message"');
  const attachments = message.attachments as Json[] | undefined;
  if (!Array.isArray(attachments) || attachments.length !== 1) return [...problems, 'one attachment expected'];
  const [attachment] = attachments as [Json];
  if (attachment.contentType !== 'application/vnd.microsoft.card.adaptive') problems.push('contentType');
  if (attachment.contentUrl !== null) problems.push('contentUrl must be null');
  const card = attachment.content as Json;
  if (card.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') problems.push('$schema');
  if (card.type !== 'AdaptiveCard') problems.push('card type');
  if (card.version !== '1.4') problems.push('version must be 1.4');
  if (!Array.isArray(card.body) || card.body.length === 0) return [...problems, 'body must be a non-empty array'];
  for (const [i, element] of (card.body as Json[]).entries()) {
    if (element.type === 'TextBlock') {
      if (typeof element.text !== 'string' || element.text === '') problems.push(`body[${i}].text is required`);
      for (const key of Object.keys(element)) if (!TEXT_BLOCK_KEYS.has(key)) problems.push(`body[${i}].${key} unknown`);
      for (const [key, values] of Object.entries(ENUMS)) {
        if (key in element && !values.includes(element[key] as string)) problems.push(`body[${i}].${key}`);
      }
      for (const key of ['wrap', 'separator', 'isSubtle']) {
        if (key in element && typeof element[key] !== 'boolean') problems.push(`body[${i}].${key} must be boolean`);
      }
    } else if (element.type === 'FactSet') {
      const facts = element.facts as Json[] | undefined;
      if (!Array.isArray(facts) || facts.length === 0) problems.push(`body[${i}].facts is required`);
      for (const fact of facts ?? []) {
        if (typeof fact.title !== 'string' || typeof fact.value !== 'string') problems.push(`body[${i}] fact`);
      }
    } else {
      problems.push(`body[${i}]: unexpected ${String(element.type)}`);
    }
  }
  for (const action of (card.actions as Json[] | undefined) ?? []) {
    if (action.type !== 'Action.OpenUrl' || typeof action.url !== 'string') problems.push('actions: Action.OpenUrl');
  }
  return problems;
}

describe('notify:teams metadata, parameters and card', () => {
  it('acts on any subject, changes nothing and needs no permissions', () => {
    assert.equal(teams.meta.id, 'notify:teams');
    assert.deepEqual(teams.meta.targets, ['kubernetes', 'azure', 'none']);
    assert.equal(teams.meta.undoable, false);
    assert.equal(teams.meta.disruptive, false);
    assert.deepEqual(teams.meta.permissions, {});
  });

  it('validates the URL at load', () => {
    assert.ok(teams.params.safeParse({ url: 'env:TEAMS_WEBHOOK_URL' }).success);
    assert.ok(teams.params.safeParse({ url: 'https://prod-00.westeurope.logic.azure.com/workflows/x' }).success);
    const http = teams.params.safeParse({ url: 'http://prod-00.westeurope.logic.azure.com/workflows/sig' });
    assert.equal(http.success, false);
    assert.match(
      http.error?.issues[0]?.message ?? '',
      /^must use https .*not http:\/\/prod-00\.westeurope\.logic\.azure\.com \(/,
    );
    assert.equal(teams.params.safeParse({ url: 'env:T', mention: '@x' }).success, false);
  });

  it('colours the severity', () => {
    assert.deepEqual((['critical', 'high', 'medium', 'low', 'info'] as const).map(severityColor), [
      'attention',
      'attention',
      'warning',
      'default',
      'default',
    ]);
  });

  it('keeps the card of a huge finding valid and under 28 KB', () => {
    const violations: Violation[] = Array.from({ length: 500 }, (_, i) => ({
      path: `spec.template.spec.containers[${i}].env[0].value`,
      message: `container "c${i}" sets "\u0001€\\" ${'é'.repeat(5000)}`,
    }));
    const subject = k8sFindingSubject({
      title: `"${'\u0002'.repeat(400)}`,
      message: '"\u0000\\€'.repeat(50_000),
      violations,
      remediation: {
        summary: '\u0003'.repeat(20_000),
        command: '"'.repeat(20_000),
        azureCli: '€'.repeat(20_000),
        steps: ['x'.repeat(10_000)],
      },
      resource: { kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'n'.repeat(300), name: 'w'.repeat(300) },
    });
    const message = teamsMessage(subjectSummary(subject), { rule: 'r', runId: 'run-1', subject: 'finding f' });
    const bytes = Buffer.byteLength(JSON.stringify(message));
    assert.ok(bytes <= TEAMS_MAX_BYTES && bytes < 28 * 1024, `${bytes} bytes`);
    assert.deepEqual(cardProblems(message), []);
    // Shortened, not emptied: the facts and the message are still there.
    const body = cardOf(message).body as Json[];
    assert.ok(body.some((e) => e.type === 'FactSet'));
    assert.equal(body.filter((e) => e.type === 'TextBlock').length, 8);
  });

  it('shortens the texts of a card whose JSON would pass the limit (control characters take 6 bytes each)', () => {
    const ctl = (n: number) => '\u0001'.repeat(n);
    const subject = alertSubject({
      message: ctl(5000),
      actor: { user: ctl(1000), groups: [], sourceIPs: [ctl(100)], userAgent: '' },
      target: { verb: ctl(100), resource: 'pods/exec', namespace: 'shop', name: ctl(1000) },
      firstSeen: ctl(1000),
      lastSeen: ctl(1000),
      incidentId: ctl(1000),
      remediation: Array.from({ length: 12 }, () => ctl(1000)),
    });
    const summary = subjectSummary(subject);
    assert.ok(Buffer.byteLength(JSON.stringify(summary)) > 40 * 1024, 'the full texts would not fit');
    const message = teamsMessage(summary, { rule: 'r', runId: 'run-1', subject: 'alert a' });
    const bytes = Buffer.byteLength(JSON.stringify(message));
    assert.ok(bytes <= TEAMS_MAX_BYTES, `${bytes} bytes`);
    assert.ok(bytes > TEAMS_MAX_BYTES / 4, `${bytes} bytes: shortened no more than needed`);
    assert.deepEqual(cardProblems(message), []);
    const body = cardOf(message).body as Json[];
    const facts = factsOf(body);
    assert.equal(facts.length, 10);
    assert.deepEqual(facts[0], { title: 'Rule', value: 'PAL-TD-0001' });
    assert.ok(String(facts[3]?.value).endsWith('…'));
  });
});

describe('notify:teams run', { skip: OPENSSL_SKIP }, () => {
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
  const FLOW_PATH = '/workflows/0123abcd/triggers/manual/paths/invoke?api-version=1&sig=SECRETSIG';

  it('dry-run says which card it would post where (origin only) and sends nothing', async () => {
    const poster = recordingPoster();
    const outcome = await teams.run(
      notifyInput({ url: 'env:TEAMS_WEBHOOK_URL' }, azureFindingSubject(), true),
      notifyContext(poster, { TEAMS_WEBHOOK_URL: `https://prod-00.westeurope.logic.azure.com${FLOW_PATH}` }),
    );
    assert.deepEqual(outcome, {
      result: 'planned',
      reason:
        'would POST a Teams card "Storage account accepts unencrypted HTTP requests: Microsoft.Storage/storageAccounts "stprod01"" to https://prod-00.westeurope.logic.azure.com',
    });
    assert.equal(poster.calls.length, 0);
  });

  it('posts exactly the expected Adaptive Card for an alert', async () => {
    const outcome = await teams.run(
      notifyInput({ url: 'env:TEAMS_WEBHOOK_URL' }, alertSubject({ severity: 'high' })),
      ctxFor({ TEAMS_WEBHOOK_URL: receiver.origin + FLOW_PATH }),
    );
    assert.deepEqual(outcome, {
      result: 'applied',
      reason: `posted a Teams card "Exec into a pod: Pod "shop/web-7d9f8-abcde"" to ${receiver.origin} (HTTP 200)`,
    });
    assert.equal(receiver.requests.length, 1);
    const [req] = receiver.requests;
    assert.equal(req?.path, FLOW_PATH);
    assert.equal(req?.headers['content-type'], 'application/json');
    const fact = (title: string, value: string) => ({ title, value });
    assert.deepEqual(req?.body, {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'Exec into a pod: Pod "shop/web-7d9f8-abcde"',
                wrap: true,
                weight: 'bolder',
                size: 'medium',
              },
              {
                type: 'TextBlock',
                text: 'Severity: HIGH',
                wrap: true,
                weight: 'bolder',
                color: 'attention',
                spacing: 'none',
              },
              {
                type: 'FactSet',
                facts: [
                  fact('Rule', 'PAL-TD-0001'),
                  fact('Severity', 'high'),
                  fact('MITRE ATT&CK', 'TA0002 / T1609'),
                  fact('Actor', 'alice@example.com'),
                  fact('Target', 'create pods/exec shop/web-7d9f8-abcde'),
                  fact('Count', '3'),
                  fact('First seen', '2025-03-14T09:26:53.000Z'),
                  fact('Last seen', '2025-03-14T09:31:02.000Z'),
                  fact('Source IPs', '203.0.113.7'),
                ],
              },
              { type: 'TextBlock', text: execAlert().message, wrap: true },
              { type: 'TextBlock', text: 'Remediation', wrap: true, weight: 'bolder', separator: true },
              { type: 'TextBlock', text: `- ${execAlert().remediation[0]}`, wrap: true, spacing: 'small' },
              {
                type: 'TextBlock',
                text: 'Palisade automation "notify-on-call" · run run-20250314-0932-7f3a · alert a1b2c3d4e5f60718',
                wrap: true,
                isSubtle: true,
                size: 'small',
                separator: true,
              },
            ],
          },
        },
      ],
    });
    assert.deepEqual(cardProblems(req?.body as Json), []);
  });

  it('posts a finding card with the medium colour, the az command and a portal action', async () => {
    await teams.run(
      notifyInput({ url: receiver.origin + FLOW_PATH }, azureFindingSubject({ severity: 'medium' })),
      ctxFor(),
    );
    const message = receiver.requests[0]?.body as Json;
    assert.deepEqual(cardProblems(message), []);
    const card = cardOf(message);
    const body = card.body as Json[];
    assert.equal(body[1]?.color, 'warning');
    assert.deepEqual(factsOf(body)[2], { title: 'Resource', value: STORAGE_ID });
    assert.deepEqual(
      body.slice(4, 7).map((e) => e.text),
      [
        'Remediation',
        '- Set supportsHttpsTrafficOnly to true.',
        '- Azure CLI: az storage account update --name stprod01 --resource-group rg-prod --https-only true',
      ],
    );
    assert.deepEqual(card.actions, [
      {
        type: 'Action.OpenUrl',
        title: 'Open in the Azure portal',
        url: `https://portal.azure.com/#resource${STORAGE_ID}`,
      },
    ]);
  });

  it('posts a huge finding under 28 KB', async () => {
    const subject = k8sFindingSubject({
      message: '"\\€'.repeat(100_000),
      violations: Array.from({ length: 300 }, (_, i) => ({ path: `p${i}`, message: `"${'€'.repeat(3000)}` })),
      remediation: { summary: '"'.repeat(50_000), command: '€'.repeat(50_000) },
    });
    await teams.run(notifyInput({ url: receiver.origin + FLOW_PATH }, subject), ctxFor());
    const req = receiver.requests[0];
    assert.ok(req);
    assert.ok(Buffer.byteLength(req.text) < 28 * 1024, `${Buffer.byteLength(req.text)} bytes`);
    assert.deepEqual(cardProblems(req.body as Json), []);
  });

  it('fails on a missing variable (not transient), on 429 (transient, Retry-After) and on 400 (permanent)', async () => {
    await assert.rejects(
      teams.run(notifyInput({ url: 'env:TEAMS_WEBHOOK_URL' }, alertSubject()), ctxFor({})),
      (error: unknown) =>
        error instanceof ActionError &&
        !error.transient &&
        error.message === 'parameter url: environment variable TEAMS_WEBHOOK_URL is not set',
    );
    const ctx = ctxFor({ TEAMS_WEBHOOK_URL: receiver.origin + FLOW_PATH });
    const input = notifyInput({ url: 'env:TEAMS_WEBHOOK_URL' }, alertSubject());
    receiver.failNext(1, { status: 429, retryAfter: '12' });
    await assert.rejects(teams.run(input, ctx), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, true);
      assert.equal(error.retryAfterMs, 12_000);
      assert.ok(!error.message.includes('SECRETSIG'));
      return true;
    });
    receiver.failNext(1, { status: 502 });
    await assert.rejects(teams.run(input, ctx), (error: unknown) => error instanceof ActionError && error.transient);
    receiver.failNext(1, { status: 400, body: 'TriggerInputSchemaMismatch' });
    await assert.rejects(
      teams.run(input, ctx),
      (error: unknown) => error instanceof ActionError && !error.transient && error.status === 400,
    );
    assert.equal(receiver.requests.length, 3);
  });
});
