/**
 * notify:webhook: POSTs the subject as JSON (the alert or finding record as read, with the rule
 * and run) to an HTTPS endpoint: a SIEM, a ticketing bridge, a function. Also holds what the three
 * notification actions share: parameters that are secrets (`env:NAME`) and the URL rules (https,
 * or http to a loopback host only).
 */
import { z } from 'zod';
import { type ActionContext, ActionError, type ActionInput, defineAction } from '../../types.ts';

const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the HTTP client sets itself. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** Why `text` is not a URL notifications may be sent to, or undefined. Names only the origin. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : `must use https (plain http only to 127.0.0.1, ::1 or localhost), not ${url.origin}`;
  }
  return `must be an https URL, not a ${url.protocol} URL`;
}

function envRefIssue(value: string): string | undefined {
  return value.startsWith('env:') && !ENV_REF.test(value)
    ? 'env: must be followed by an environment variable name (letters, digits and _, not starting with a digit)'
    : undefined;
}

/**
 * A URL parameter that is a secret: an https URL (http only to a loopback host), or `env:NAME` to
 * read it from an environment variable when the action runs. Literal URLs are checked at load.
 */
export const SecretUrl = z.string().superRefine((value, ctx) => {
  const problem = value.startsWith('env:')
    ? envRefIssue(value)
    : value === ''
      ? 'must not be empty'
      : urlProblem(value);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: `${problem} (give an https URL, or env:NAME to read it from a variable)` });
  }
});

/** A secret that is not a URL (a header value): a literal, or `env:NAME`. */
export const SecretText = z.string().superRefine((value, ctx) => {
  const problem = envRefIssue(value) ?? (/[\r\n]/.test(value) ? 'must not contain line breaks' : undefined);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The value of a secret parameter: itself, or the environment variable `env:NAME` names (trimmed). */
export function resolveSecret(value: string, ctx: Pick<ActionContext, 'env'>, param: string): string {
  const ref = ENV_REF.exec(value);
  if (!ref) return value;
  const name = ref[1] as string;
  const resolved = ctx.env[name]?.trim();
  if (resolved === undefined || resolved === '') {
    throw new ActionError(`parameter ${param}: environment variable ${name} is not set`);
  }
  return resolved;
}

/**
 * A secret parameter as it may be recorded: `env:NAME` as it is; a literal URL as its origin (the
 * path and query of a webhook URL are often its token); any other literal as "(redacted)".
 */
export function redactSecret(value: string, kind: 'url' | 'text'): string {
  if (ENV_REF.test(value)) return value;
  if (kind === 'text') return '(redacted)';
  try {
    return `${new URL(value).origin}/(redacted)`;
  } catch {
    return '(redacted)';
  }
}

/** The URL a secret URL parameter resolves to, checked again when it came from the environment. */
export function resolveUrl(value: string, ctx: Pick<ActionContext, 'env'>, param: string): URL {
  const text = resolveSecret(value, ctx, param);
  const problem = urlProblem(text);
  if (problem) {
    const source = ENV_REF.exec(value)?.[1];
    throw new ActionError(
      source ? `parameter ${param}: environment variable ${source} ${problem}` : `parameter ${param} ${problem}`,
    );
  }
  return new URL(text);
}

const Params = z.strictObject({
  url: SecretUrl,
  headers: z
    .record(z.string(), SecretText)
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        const problem = !HEADER_NAME.test(name)
          ? "header names are HTTP tokens (letters, digits and !#$%&'*+.^_`|~-)"
          : RESERVED_HEADERS.has(name.toLowerCase())
            ? 'host, content-length, transfer-encoding and connection are set by the client'
            : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
      }
    })
    .optional(),
});

export type WebhookParams = z.infer<typeof Params>;

/** The JSON document POSTed (schemaVersion 1). */
export function webhookPayload(input: ActionInput<unknown>, runId: string): Record<string, unknown> {
  const s = input.subject;
  return {
    schemaVersion: 1,
    source: 'palisade',
    rule: input.rule,
    runId,
    subject: {
      type: s.type,
      id: s.id,
      ruleId: s.ruleId,
      title: s.title,
      severity: s.severity,
      message: s.message,
      target: s.target,
    },
    ...(s.type === 'alert' ? { alert: s.alert } : { finding: s.finding }),
  };
}

export const webhook = defineAction<WebhookParams>({
  meta: {
    id: 'notify:webhook',
    slug: 'webhook',
    provider: 'notify',
    title: 'Post the alert or finding as JSON to a webhook',
    description:
      'POSTs a JSON document with the automation rule, the run id and the full alert or finding record to an HTTPS endpoint. The URL and header values can be read from environment variables (env:NAME).',
    targets: ['kubernetes', 'azure', 'none'],
    undoable: false,
    disruptive: false,
    permissions: {},
  },
  params: Params,
  recordedParams: (params) => ({
    url: redactSecret(params.url, 'url'),
    ...(params.headers
      ? { headers: Object.fromEntries(Object.entries(params.headers).map(([k, v]) => [k, redactSecret(v, 'text')])) }
      : {}),
  }),
  async run(input, ctx) {
    const url = resolveUrl(input.params.url, ctx, 'url');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.params.headers ?? {})) {
      const resolved = resolveSecret(value, ctx, `headers.${name}`);
      if (/[\r\n]/.test(resolved)) throw new ActionError(`parameter headers.${name}: the value contains a line break`);
      headers[name] = resolved;
    }
    const s = input.subject;
    const what = `the ${s.type} "${s.id}" (${s.ruleId})`;
    if (input.dryRun) return { result: 'planned', reason: `would POST ${what} as JSON to ${url.origin}` };
    const res = await ctx.http.post(url.href, webhookPayload(input, ctx.runId), headers);
    return { result: 'applied', reason: `posted ${what} as JSON to ${url.origin} (HTTP ${res.status})` };
  },
});
