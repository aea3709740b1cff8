/**
 * notify:slack against a real HTTPS receiver on 127.0.0.1 standing in for a Slack incoming webhook
 * (test CA made by openssl), through the production poster. Checks the Block Kit payload, the
 * escaping of subject text and Slack's limits (header 150, section text 3,000, 10 fields of 2,000,
 * 50 blocks).
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
import { ActionError } from '../../types.ts';
import { escapeSlack, fitEscaped, SLACK_LIMITS, type SlackParams, slack } from './slack.ts';

interface TextObject {
  type: string;
  text: string;
}
interface Block {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: TextObject[];
}
interface SlackPayload {
  text: string;
  blocks: Block[];
}

/** Every `&` starts one of the three entities Slack uses. */
const wellEscaped = (text: string) => !/&(?!amp;|lt;|gt;)/.test(text);

describe('notify:slack metadata and parameters', () => {
  it('acts on any subject, changes nothing and needs no permissions', () => {
    assert.equal(slack.meta.id, 'notify:slack');
    assert.deepEqual(slack.meta.targets, ['kubernetes', 'azure', 'none']);
    assert.equal(slack.meta.undoable, false);
    assert.equal(slack.meta.disruptive, false);
    assert.deepEqual(slack.meta.permissions, {});
    assert.equal(slack.undo, undefined);
  });

  it('accepts https, env:NAME and loopback http URLs and Slack mentions', () => {
    assert.ok(slack.params.safeParse({ url: 'https://hooks.slack.com/services/T0/B0/X' }).success);
    assert.ok(slack.params.safeParse({ url: 'env:SLACK_WEBHOOK_URL', mention: '<!here>' }).success);
    assert.ok(slack.params.safeParse({ url: 'env:SLACK_WEBHOOK_URL', mention: '@oncall' }).success);
    assert.ok(slack.params.safeParse({ url: 'env:S', mention: '<!subteam^S0123|@sre> <@U0456>' }).success);
    assert.ok(slack.params.safeParse({ url: 'http://127.0.0.1:3000/slack' }).success);
  });

  it('refuses http to a non-loopback host, bad mentions and unknown keys at load', () => {
    const http = slack.params.safeParse({ url: 'http://hooks.slack.com/services/T0/B0/SECRET' });
    assert.equal(http.success, false);
    assert.equal(
      http.error?.issues[0]?.message,
      'must use https (plain http only to 127.0.0.1, ::1 or localhost), not http://hooks.slack.com (give an https URL, or env:NAME to read it from a variable)',
    );
    const mention = slack.params.safeParse({ url: 'env:S', mention: 'everyone <script>' });
    assert.equal(mention.success, false);
    assert.deepEqual(mention.error?.issues[0]?.path, ['mention']);
    assert.equal(slack.params.safeParse({ url: 'env:S', channel: '#sec' }).success, false);
  });

  it('escapes &, < and > and cuts escaped text without splitting an entity', () => {
    assert.equal(escapeSlack('a & <b> <!channel>'), 'a &amp; &lt;b&gt; &lt;!channel&gt;');
    assert.equal(fitEscaped('abc<def', 6), 'abc…');
    assert.equal(fitEscaped('abc<def', 8), 'abc&lt;…');
    assert.equal(fitEscaped('abcdef', 10), 'abcdef');
  });
});

describe('notify:slack run', { skip: OPENSSL_SKIP }, () => {
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
  const HOOK_PATH = '/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';

  it('dry-run says which message it would post where (origin only) and sends nothing', async () => {
    const poster = recordingPoster();
    const outcome = await slack.run(
      notifyInput({ url: 'env:SLACK_WEBHOOK_URL' }, alertSubject(), true),
      notifyContext(poster, { SLACK_WEBHOOK_URL: `https://hooks.slack.com${HOOK_PATH}` }),
    );
    assert.deepEqual(outcome, {
      result: 'planned',
      reason: 'would POST a Slack message "Exec into a pod: Pod "shop/web-7d9f8-abcde"" to https://hooks.slack.com',
    });
    assert.equal(poster.calls.length, 0);
  });

  it('posts exactly the expected Block Kit message for an alert', async () => {
    const params: SlackParams = { url: 'env:SLACK_WEBHOOK_URL', mention: '<!here>' };
    const outcome = await slack.run(
      notifyInput(params, alertSubject()),
      ctxFor({ SLACK_WEBHOOK_URL: receiver.origin + HOOK_PATH }),
    );
    assert.deepEqual(outcome, {
      result: 'applied',
      reason: `posted a Slack message "Exec into a pod: Pod "shop/web-7d9f8-abcde"" to ${receiver.origin} (HTTP 200)`,
    });
    assert.equal(receiver.requests.length, 1);
    const [req] = receiver.requests;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.path, HOOK_PATH);
    assert.equal(req?.headers['content-type'], 'application/json');
    const field = (name: string, value: string) => ({ type: 'mrkdwn', text: `*${name}*\n${value}` });
    assert.deepEqual(req?.body, {
      text: '<!here> Exec into a pod: Pod "shop/web-7d9f8-abcde"',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Exec into a pod: Pod "shop/web-7d9f8-abcde"' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `<!here> :large_yellow_circle: *Severity: MEDIUM*\n${execAlert().message}\n\n*Remediation*\n• ${execAlert().remediation[0]}`,
          },
        },
        {
          type: 'section',
          fields: [
            field('Rule', 'PAL-TD-0001'),
            field('Severity', 'medium'),
            field('MITRE ATT&amp;CK', 'TA0002 / T1609'),
            field('Actor', 'alice@example.com'),
            field('Target', 'create pods/exec shop/web-7d9f8-abcde'),
            field('Count', '3'),
            field('First seen', '2025-03-14T09:26:53.000Z'),
            field('Last seen', '2025-03-14T09:31:02.000Z'),
            field('Source IPs', '203.0.113.7'),
          ],
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'Palisade automation "notify-on-call" · run run-20250314-0932-7f3a · alert a1b2c3d4e5f60718',
            },
          ],
        },
      ],
    });
  });

  it('posts a finding with its resource, remediation command and portal link', async () => {
    await slack.run(notifyInput({ url: receiver.origin + HOOK_PATH }, azureFindingSubject()), ctxFor());
    const body = receiver.requests[0]?.body as SlackPayload;
    assert.equal(
      body.text,
      'Storage account accepts unencrypted HTTP requests: Microsoft.Storage/storageAccounts "stprod01"',
    );
    assert.equal(
      body.blocks[1]?.text?.text,
      [
        ':large_orange_circle: *Severity: HIGH*',
        'Storage account "stprod01" accepts requests over plain HTTP (supportsHttpsTrafficOnly is false).',
        '',
        '*Remediation*',
        '• Set supportsHttpsTrafficOnly to true.',
        '• Azure CLI: az storage account update --name stprod01 --resource-group rg-prod --https-only true',
        `<https://portal.azure.com/#resource${STORAGE_ID}|Open in the Azure portal>`,
      ].join('\n'),
    );
    assert.deepEqual(
      body.blocks[2]?.fields?.map((f) => f.text),
      [
        '*Check*\nPAL-AZR-0101',
        '*Severity*\nhigh',
        `*Resource*\n${STORAGE_ID}`,
        '*Violations (1)*\n• supportsHttpsTrafficOnly is false (properties.supportsHttpsTrafficOnly)',
      ],
    );
    assert.match(body.blocks[3]?.elements?.[0]?.text ?? '', / · finding 4d1f0a9e7b3c2e58$/);
  });

  it('escapes subject text and keeps a 5,000-character message with 40 violations within the limits', async () => {
    const violations: Violation[] = Array.from({ length: 40 }, (_, i) => ({
      path: `spec.template.spec.containers[${i}].securityContext.privileged`,
      message: `container "c${i}" runs privileged <!channel> & more ${'z'.repeat(300)}`,
    }));
    const subject = k8sFindingSubject({
      title: `Container <runs> privileged & ${'t'.repeat(200)}`,
      message: `${'<@U999> & <https://evil.example.com|click> '.repeat(120)}`.slice(0, 5000),
      violations,
      remediation: {
        summary: `Drop privileged <now> & ${'<'.repeat(2000)}`,
        command: `oc set ... ${'&'.repeat(3000)}`,
      },
    });
    assert.equal(subject.message.length, 5000);
    await slack.run(notifyInput({ url: receiver.origin + HOOK_PATH, mention: '@oncall' }, subject), ctxFor());
    const body = receiver.requests[0]?.body as SlackPayload;
    assert.ok(body.blocks.length <= SLACK_LIMITS.blocks);
    const [header, section, fields, context] = body.blocks;
    assert.equal(header?.type, 'header');
    assert.ok((header?.text?.text.length ?? 0) <= SLACK_LIMITS.headerText);
    assert.ok(header?.text?.text.includes('<runs>'), 'plain_text is not escaped');
    const text = section?.text?.text ?? '';
    assert.ok(text.length <= SLACK_LIMITS.sectionText, `section text is ${text.length} characters`);
    assert.ok(text.length > SLACK_LIMITS.sectionText - 20, 'the remediation fills the section up to the limit');
    assert.ok(text.endsWith('…'));
    assert.ok(
      text.startsWith('@oncall :large_yellow_circle: *Severity: MEDIUM*\n&lt;@U999&gt; &amp; &lt;https://evil'),
    );
    assert.ok(!text.includes('<@U999>') && !text.includes('<https://evil'));
    assert.ok(wellEscaped(text));
    assert.ok(text.includes('*Remediation*\n• Drop privileged &lt;now&gt; &amp; '));
    assert.ok(fields?.fields && fields.fields.length <= SLACK_LIMITS.fields);
    for (const f of fields?.fields ?? []) {
      assert.ok(f.text.length <= SLACK_LIMITS.fieldText);
      assert.ok(wellEscaped(f.text));
      assert.ok(!f.text.includes('<!channel>'));
    }
    const violationsField = fields?.fields?.find((f) => f.text.startsWith('*Violations (40)*'))?.text ?? '';
    assert.equal(violationsField.split('\n').length, 7);
    assert.ok(violationsField.endsWith('\n• … and 35 more'));
    assert.ok(violationsField.includes('&lt;!channel&gt; &amp; more'));
    assert.equal(context?.type, 'context');
    assert.ok(body.text.startsWith('@oncall Container &lt;runs&gt; privileged &amp; '));
  });

  it('fails, not transiently, naming the missing variable; never shows the URL', async () => {
    await assert.rejects(
      slack.run(notifyInput({ url: 'env:SLACK_WEBHOOK_URL' }, alertSubject()), ctxFor({})),
      (error: unknown) =>
        error instanceof ActionError &&
        !error.transient &&
        error.message === 'parameter url: environment variable SLACK_WEBHOOK_URL is not set',
    );
    await assert.rejects(
      slack.run(
        notifyInput({ url: 'env:SLACK_WEBHOOK_URL' }, alertSubject()),
        ctxFor({ SLACK_WEBHOOK_URL: `http://hooks.slack.com${HOOK_PATH}` }),
      ),
      (error: unknown) => error instanceof ActionError && !error.transient && !error.message.includes(HOOK_PATH),
    );
    assert.equal(receiver.requests.length, 0);
  });

  it('maps 429 to a transient error with Retry-After and 400 to a permanent one', async () => {
    const ctx = ctxFor({ SLACK_WEBHOOK_URL: receiver.origin + HOOK_PATH });
    const input = notifyInput({ url: 'env:SLACK_WEBHOOK_URL' }, alertSubject());
    receiver.failNext(1, { status: 429, retryAfter: '30', body: 'rate_limited' });
    await assert.rejects(slack.run(input, ctx), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, true);
      assert.equal(error.status, 429);
      assert.equal(error.retryAfterMs, 30_000);
      assert.ok(!error.message.includes(HOOK_PATH));
      return true;
    });
    receiver.failNext(1, { status: 400, body: 'invalid_blocks' });
    await assert.rejects(slack.run(input, ctx), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, false);
      assert.equal(error.status, 400);
      assert.equal(error.message, `POST ${receiver.origin}: HTTP 400: invalid_blocks`);
      return true;
    });
    assert.equal(receiver.requests.length, 2);
  });
});
