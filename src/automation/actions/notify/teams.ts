/**
 * notify:teams: posts the subject to a Microsoft Teams channel or chat through a Workflows webhook
 * (Power Automate's "When a Teams webhook request is received" trigger), as a message with one
 * Adaptive Card 1.4: the headline, the severity in colour, the facts, the message and the
 * remediation. The card is kept under Teams' 28 KB message limit: when the JSON would be larger,
 * its texts are shortened until it fits.
 */
import { z } from 'zod';
import type { Severity } from '#core';
import { type SubjectSummary, subjectSummary, truncate } from '../../render.ts';
import { defineAction } from '../../types.ts';
import { redactSecret, resolveUrl, SecretUrl } from './webhook.ts';

/** The largest message posted, in bytes of UTF-8 JSON (Teams refuses messages over 28 KB). */
export const TEAMS_MAX_BYTES = 27 * 1024;

const Params = z.strictObject({ url: SecretUrl });

export type TeamsParams = z.infer<typeof Params>;

/** Adaptive Card text colour for a severity. */
export function severityColor(severity: Severity): 'attention' | 'warning' | 'default' {
  if (severity === 'critical' || severity === 'high') return 'attention';
  return severity === 'medium' ? 'warning' : 'default';
}

function textBlock(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

function card(summary: SubjectSummary, context: { rule: string; runId: string; subject: string }) {
  const body: Record<string, unknown>[] = [
    textBlock(summary.headline, { weight: 'bolder', size: 'medium' }),
    textBlock(`Severity: ${summary.severity.toUpperCase()}`, {
      weight: 'bolder',
      color: severityColor(summary.severity),
      spacing: 'none',
    }),
  ];
  if (summary.fields.length > 0) {
    body.push({ type: 'FactSet', facts: summary.fields.map((f) => ({ title: f.name, value: f.value })) });
  }
  if (summary.message !== '') body.push(textBlock(summary.message));
  if (summary.remediation.length > 0) {
    body.push(textBlock('Remediation', { weight: 'bolder', separator: true }));
    for (const line of summary.remediation) body.push(textBlock(`- ${line}`, { spacing: 'small' }));
  }
  body.push(
    textBlock(`Palisade automation "${context.rule}" · run ${context.runId} · ${context.subject}`, {
      isSubtle: true,
      size: 'small',
      separator: true,
    }),
  );
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    ...(summary.link
      ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in the Azure portal', url: summary.link }] }
      : {}),
  };
}

/** The summary with every text cut to `factor` of its length; short texts (ids, times) are kept. */
function shrink(summary: SubjectSummary, factor: number): SubjectSummary {
  const cut = (text: string) => truncate(text, Math.max(40, Math.floor(text.length * factor)));
  const { link: _link, ...rest } = summary;
  return {
    ...rest,
    message: cut(summary.message),
    fields: summary.fields.map((f) => ({ name: f.name, value: cut(f.value) })),
    remediation: summary.remediation.map(cut),
    // A long link would not shrink: left out once the card has to be shortened.
    ...(summary.link && factor === 1 ? { link: summary.link } : {}),
  };
}

/** The Workflows webhook payload: a message with one Adaptive Card, at most TEAMS_MAX_BYTES of JSON. */
export function teamsMessage(
  summary: SubjectSummary,
  context: { rule: string; runId: string; subject: string },
): Record<string, unknown> {
  const wrap = (s: SubjectSummary) => ({
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card(s, context) },
    ],
  });
  for (const factor of [1, 0.5, 0.25, 0.1, 0.05]) {
    const message = wrap(shrink(summary, factor));
    if (Buffer.byteLength(JSON.stringify(message)) <= TEAMS_MAX_BYTES) return message;
  }
  // Only the headline and the severity.
  return wrap({ headline: summary.headline, severity: summary.severity, message: '', fields: [], remediation: [] });
}

export const teams = defineAction<TeamsParams>({
  meta: {
    id: 'notify:teams',
    slug: 'teams',
    provider: 'notify',
    title: 'Post an Adaptive Card to Microsoft Teams through a Workflows webhook',
    description:
      'Posts an Adaptive Card with the title, severity, facts, message and remediation of the alert or finding to the webhook of a Teams Workflow ("When a Teams webhook request is received"). The URL is a secret: give it as env:NAME.',
    targets: ['kubernetes', 'azure', 'none'],
    undoable: false,
    disruptive: false,
    permissions: {},
  },
  params: Params,
  recordedParams: (params) => ({ ...params, url: redactSecret(params.url, 'url') }),
  async run(input, ctx) {
    const url = resolveUrl(input.params.url, ctx, 'url');
    const summary = subjectSummary(input.subject);
    const what = `a Teams card "${summary.headline}" to ${url.origin}`;
    if (input.dryRun) return { result: 'planned', reason: `would POST ${what}` };
    const s = input.subject;
    const message = teamsMessage(summary, { rule: input.rule, runId: ctx.runId, subject: `${s.type} ${s.id}` });
    const res = await ctx.http.post(url.href, message);
    return { result: 'applied', reason: `posted ${what} (HTTP ${res.status})` };
  },
});
