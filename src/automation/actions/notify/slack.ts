/**
 * notify:slack: posts the subject to a Slack channel through an incoming webhook, as Block Kit: a
 * header (plain text, 150 characters at most), a section with the severity, message and
 * remediation (mrkdwn, 3,000 at most), a section of up to 10 fields (2,000 each) and a context
 * line with the automation rule and the run. Text from the subject is escaped (&, <, >) so it can
 * neither mention anyone nor form links.
 */
import { z } from 'zod';
import { type SubjectSummary, subjectSummary, truncate } from '../../render.ts';
import { defineAction } from '../../types.ts';
import { redactSecret, resolveUrl, SecretUrl } from './webhook.ts';

/** Block Kit limits (docs.slack.dev/reference/block-kit). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  blocks: 50,
} as const;

/** One mention: <!here>, <!channel>, <@U123>, <!subteam^S123>, or @name. */
const MENTION = /^(?:<[!@#][A-Za-z0-9^|@._-]+>|@[A-Za-z0-9._-]+)$/;

const Params = z.strictObject({
  url: SecretUrl,
  mention: z
    .string()
    .max(200)
    .refine(
      (text) =>
        text.trim() !== '' &&
        text
          .trim()
          .split(/\s+/)
          .every((m) => MENTION.test(m)),
      {
        message:
          'must be Slack mentions separated by spaces, e.g. "<!here>", "<!subteam^S0123>", "<@U0123>" or "@oncall"',
      },
    )
    .optional(),
});

export type SlackParams = z.infer<typeof Params>;

/** Slack's control characters as entities (formatting reference: escaping text). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` escaped, then cut to `max` characters without splitting an entity. */
export function fitEscaped(text: string, max: number): string {
  const escaped = escapeSlack(text);
  if (escaped.length <= max) return escaped;
  let cut = max - 1;
  const amp = escaped.lastIndexOf('&', cut);
  if (amp !== -1 && amp > cut - 5) {
    const semi = escaped.indexOf(';', amp);
    if (semi === -1 || semi >= cut) cut = amp;
  }
  const last = escaped.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${escaped.slice(0, cut)}…`;
}

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/** The section text: mention, severity, message, remediation and link, within 3,000 characters. */
function sectionText(summary: SubjectSummary, mention: string | undefined): string {
  const max = SLACK_LIMITS.sectionText;
  const link =
    summary.link && summary.link.length <= 1000 ? `\n<${escapeSlack(summary.link)}|Open in the Azure portal>` : '';
  const head = `${mention ? `${mention} ` : ''}${SEVERITY_EMOJI[summary.severity] ?? ''} *Severity: ${summary.severity.toUpperCase()}*`;
  let text = `${head}\n${fitEscaped(summary.message, Math.min(1600, max - head.length - link.length - 1))}`;
  if (summary.remediation.length > 0) {
    const title = '\n\n*Remediation*';
    if (text.length + title.length + link.length + 10 < max) {
      text += title;
      for (const line of summary.remediation) {
        const room = max - link.length - text.length - 3;
        if (room < 10) break;
        const item = `\n• ${fitEscaped(line, room)}`;
        text += item;
        if (item.endsWith('…')) break;
      }
    }
  }
  return text + link;
}

/** The incoming-webhook payload: `text` (the notification fallback) and the blocks. */
export function slackMessage(
  summary: SubjectSummary,
  context: { rule: string; runId: string; subject: string; mention?: string },
): { text: string; blocks: Record<string, unknown>[] } {
  const mention = context.mention?.trim().split(/\s+/).join(' ');
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(summary.headline, SLACK_LIMITS.headerText) } },
    { type: 'section', text: { type: 'mrkdwn', text: sectionText(summary, mention) } },
  ];
  const fields = summary.fields.slice(0, SLACK_LIMITS.fields).map((f) => {
    const name = `*${fitEscaped(f.name, 100)}*\n`;
    return { type: 'mrkdwn', text: name + fitEscaped(f.value, SLACK_LIMITS.fieldText - name.length) };
  });
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: fitEscaped(
          `Palisade automation "${context.rule}" · run ${context.runId} · ${context.subject}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    ],
  });
  const text = fitEscaped(summary.headline, 1000);
  return { text: mention ? `${mention} ${text}` : text, blocks };
}

export const slack = defineAction<SlackParams>({
  meta: {
    id: 'notify:slack',
    slug: 'slack',
    provider: 'notify',
    title: 'Post a message to a Slack channel through an incoming webhook',
    description:
      'Posts a Block Kit message with the title, severity, facts, message and remediation of the alert or finding, optionally mentioning people. The webhook URL is a secret: give it as env:NAME.',
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
    const what = `a Slack message "${summary.headline}" to ${url.origin}`;
    if (input.dryRun) return { result: 'planned', reason: `would POST ${what}` };
    const s = input.subject;
    const message = slackMessage(summary, {
      rule: input.rule,
      runId: ctx.runId,
      subject: `${s.type} ${s.id}`,
      ...(input.params.mention ? { mention: input.params.mention } : {}),
    });
    const res = await ctx.http.post(url.href, message);
    return { result: 'applied', reason: `posted ${what} (HTTP ${res.status})` };
  },
});
