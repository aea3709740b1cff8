/**
 * The OSV format (https://ossf.github.io/osv-schema/, JSON Schema in ossf/osv-schema
 * `validation/schema.json`), as zod schemas with a typed `Advisory` output.
 *
 * Lenient where real data is: unknown fields pass through unchanged (databases add their own),
 * `null` is accepted where the JSON Schema allows it (`aliases`, `affected`, `references`,
 * `severity`), ecosystem names are any non-empty string (new ecosystems appear often, osv.dev's
 * test data uses made-up ones), reference, credit and severity types are open strings.
 *
 * Strict where matching depends on it: `id` and `modified` (an RFC 3339 timestamp) are required,
 * `affected[].package` needs a non-empty `ecosystem` and `name`, a range's `type` is one of
 * SEMVER, ECOSYSTEM or GIT, its `events` are objects with exactly one of `introduced`, `fixed`,
 * `last_affected` or `limit` (a string), at least one of them `introduced`, and `fixed` and
 * `last_affected` never together in one range (the schema's rules); GIT ranges need a `repo`.
 * `versions` must be strings. A record that fails any of these is rejected as a whole, with the
 * field path of the first problems, so that matching never sees a half-understood range.
 */
import { z } from 'zod';

/** RFC 3339 date-time, as OSV requires for `modified`, `published` and `withdrawn`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const timestamp = z.string().superRefine((value, ctx) => {
  if (!TIMESTAMP.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'not an RFC 3339 timestamp' });
  } else if (Number.isNaN(Date.parse(value))) {
    ctx.addIssue({ code: 'custom', message: 'not a valid date' });
  }
});

/** JSON objects kept as they are (`database_specific`, `ecosystem_specific`). */
const jsonObject = z.record(z.string(), z.unknown());

const stringList = z.array(z.string());
const nullableStringList = stringList.nullish().transform((value) => value ?? undefined);

export const SEVERITY_TYPES = ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] as const;
export type SeverityType = (typeof SEVERITY_TYPES)[number];

const severityEntry = z.looseObject({
  /** One of SEVERITY_TYPES; others are kept (a new CVSS version must not drop the advisory). */
  type: z.string().min(1),
  score: z.string(),
});
const severityList = z
  .array(severityEntry)
  .nullish()
  .transform((value) => value ?? undefined);

export type OsvEvent =
  | { readonly introduced: string }
  | { readonly fixed: string }
  | { readonly last_affected: string }
  | { readonly limit: string };

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** One event: exactly one of the four keys, with a string value (other keys are dropped). */
const event = z.record(z.string(), z.unknown()).transform((value, ctx): OsvEvent => {
  const present = EVENT_KEYS.filter((key) => key in value);
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        present.length === 0
          ? 'an event needs one of introduced, fixed, last_affected or limit'
          : `an event has more than one of ${present.join(', ')}`,
    });
    return z.NEVER;
  }
  const key = present[0]!;
  const version = value[key];
  if (typeof version !== 'string' || version === '') {
    ctx.addIssue({ code: 'custom', message: `"${key}" must be a non-empty string`, path: [key] });
    return z.NEVER;
  }
  switch (key) {
    case 'introduced':
      return { introduced: version };
    case 'fixed':
      return { fixed: version };
    case 'last_affected':
      return { last_affected: version };
    case 'limit':
      return { limit: version };
  }
});

export const RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

const range = z
  .looseObject({
    type: z.enum(RANGE_TYPES),
    repo: z.string().optional(),
    events: z.array(event).min(1),
    database_specific: jsonObject.optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.events.some((e) => 'introduced' in e)) {
      ctx.addIssue({ code: 'custom', message: 'a range needs an "introduced" event', path: ['events'] });
    }
    if (value.events.some((e) => 'fixed' in e) && value.events.some((e) => 'last_affected' in e)) {
      ctx.addIssue({
        code: 'custom',
        message: '"fixed" and "last_affected" cannot be in the same range',
        path: ['events'],
      });
    }
    if (value.type === 'GIT' && !value.repo) {
      ctx.addIssue({ code: 'custom', message: 'a GIT range needs a "repo"', path: ['repo'] });
    }
  });

const affectedPackage = z.looseObject({
  ecosystem: z.string().min(1),
  name: z.string().min(1),
  purl: z.string().optional(),
});

const affected = z.looseObject({
  /** Optional in the schema: GIT-only entries (OSS-Fuzz, CVE records) name a repository instead. */
  package: affectedPackage.optional(),
  severity: severityList,
  ranges: z.array(range).optional(),
  versions: z.array(z.string()).optional(),
  ecosystem_specific: jsonObject.optional(),
  database_specific: jsonObject.optional(),
});

const reference = z.looseObject({ type: z.string(), url: z.string() });
const credit = z.looseObject({
  name: z.string(),
  contact: stringList.optional(),
  type: z.string().optional(),
});

export const advisorySchema = z.looseObject({
  schema_version: z.string().optional(),
  id: z.string().min(1).max(256),
  modified: timestamp,
  published: timestamp.optional(),
  withdrawn: timestamp.optional(),
  aliases: nullableStringList,
  related: stringList.optional(),
  upstream: stringList.optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: severityList,
  affected: z
    .array(affected)
    .nullish()
    .transform((value) => value ?? undefined),
  references: z
    .array(reference)
    .nullish()
    .transform((value) => value ?? undefined),
  credits: z.array(credit).optional(),
  /** Kept as opaque JSON: GHSA puts `severity` here, Debian and Ubuntu their urgency. */
  database_specific: jsonObject.optional(),
});

export type Severity = z.output<typeof severityEntry>;
export type OsvRange = z.output<typeof range>;
export type AffectedPackage = z.output<typeof affectedPackage>;
export type Affected = z.output<typeof affected>;
export type Reference = z.output<typeof reference>;
export type Credit = z.output<typeof credit>;
/** One OSV record as validated; unknown fields are kept as they were. */
export type Advisory = z.output<typeof advisorySchema>;

export type ParseAdvisoryResult =
  | { readonly ok: true; readonly advisory: Advisory }
  | { readonly ok: false; readonly id?: string; readonly problems: readonly AdvisoryProblem[] };

export interface AdvisoryProblem {
  /** Field path in the record, e.g. `affected[0].ranges[1].events[2]`; empty for the record itself. */
  readonly path: string;
  readonly message: string;
}

/** Dotted/bracketed path of a zod issue: `affected[0].ranges[1].events`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') {
      text += `[${part}]`;
    } else {
      text += text === '' ? String(part) : `.${String(part)}`;
    }
  }
  return text;
}

/** Validates one decoded JSON/YAML value as an OSV record. */
export function parseAdvisory(value: unknown): ParseAdvisoryResult {
  const result = advisorySchema.safeParse(value);
  if (result.success) {
    return { ok: true, advisory: result.data };
  }
  const problems = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'required' : issue.message,
  }));
  const id =
    typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string' ? value.id : undefined;
  return id === undefined ? { ok: false, problems } : { ok: false, id, problems };
}

/**
 * Splits an OSV ecosystem string into its base name and release: `Debian:12` → `Debian`, `12`;
 * `Red Hat:enterprise_linux:9::appstream` → `Red Hat`, `enterprise_linux:9::appstream`;
 * `npm` → `npm`, ``.
 */
export function splitEcosystem(ecosystem: string): { readonly base: string; readonly release: string } {
  const colon = ecosystem.indexOf(':');
  return colon < 0
    ? { base: ecosystem, release: '' }
    : { base: ecosystem.slice(0, colon), release: ecosystem.slice(colon + 1) };
}

/**
 * The package name as the index keys it: PyPI names normalised per PEP 503 (lower case, runs of
 * `-`, `_` and `.` become one `-`); every other ecosystem compares names exactly.
 */
export function normalizePackageName(ecosystemBase: string, name: string): string {
  return ecosystemBase === 'PyPI' ? name.replace(/[-_.]+/g, '-').toLowerCase() : name;
}
