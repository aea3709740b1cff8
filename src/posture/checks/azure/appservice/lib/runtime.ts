/**
 * Language runtimes of App Service apps and their end of support.
 *
 * Where the runtime is set (site configuration, see site.ts):
 *   - Linux apps: `linuxFxVersion`, "STACK|version": "PYTHON|3.12", "NODE|22-lts", "PHP|8.3",
 *     "JAVA|21-java21", "TOMCAT|10.1-java17", "JBOSSEAP|8-java17", "DOTNETCORE|8.0",
 *     "DOTNET-ISOLATED|8.0" (functions), "POWERSHELL|7.4", "RUBY|2.7"; "DOCKER|image",
 *     "COMPOSE|..." and "SITECONTAINERS" are custom containers, whose runtime is in the image;
 *   - Windows apps: `phpVersion` ("8.0", "Off" or "" when PHP is off), `pythonVersion`, `javaVersion`
 *     ("1.8", "11", "17", "21"), `nodeVersion` ("~20"), `netFrameworkVersion` ("v4.0" is .NET
 *     Framework 4.x, "v8.0" is .NET 8) and `powerShellVersion`; these fields keep defaults on Linux
 *     apps and are not read there.
 * Sources: https://learn.microsoft.com/azure/app-service/configure-language-python (and the other
 * configure-language pages), https://learn.microsoft.com/rest/api/appservice/web-apps/get-configuration.
 *
 * RUNTIME_SUPPORT is the end-of-support table the checks judge by, as reviewed on its `asOf` date:
 * App Service follows each language community's support timeline
 * (https://learn.microsoft.com/azure/app-service/language-support-policy). Checks read no clock,
 * so a version whose support ends after `asOf` passes until the table is updated; pass another
 * table to `runtimeOutcome` (and to the check factories) to override it.
 */
import { isUnresolved, type Violation } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, notApplicable, PASS } from '../../../../check.ts';
import { type AzureResource, read, show } from '../../../../lib/azure.ts';
import { appLabel, kindOf, readSiteConfig, siteConfigPath } from './site.ts';

export const STACKS = ['php', 'python', 'java', 'node', 'dotnet', 'powershell', 'ruby'] as const;
export type Stack = (typeof STACKS)[number];

function isStack(text: string): text is Stack {
  return (STACKS as readonly string[]).includes(text);
}

export interface StackSupport {
  /** 'PHP', 'Python', '.NET'. */
  readonly label: string;
  /** Version components that name a release line: 2 for "8.3", 1 for Node "22" and Java "21". */
  readonly parts: 1 | 2;
  /** Release line → last day of community support (ISO date). */
  readonly endOfSupport: Readonly<Record<string, string>>;
  readonly source: string;
}

export interface RuntimeSupportTable {
  /** The date the table was reviewed (ISO): a release line whose support ended before it has reached end of support. */
  readonly asOf: string;
  readonly stacks: Readonly<Record<Stack, StackSupport>>;
}

/**
 * End of support of each release line, reviewed 2026-11-23. A version newer than every line listed
 * counts as supported; one older than every line listed as ended; one in between that is not listed
 * makes the check indeterminate.
 */
export const RUNTIME_SUPPORT: RuntimeSupportTable = {
  asOf: '2026-11-23',
  stacks: {
    php: {
      label: 'PHP',
      parts: 2,
      source: 'https://www.php.net/supported-versions.php',
      endOfSupport: {
        '5.6': '2018-12-31',
        '7.0': '2019-01-10',
        '7.1': '2019-12-01',
        '7.2': '2020-11-30',
        '7.3': '2021-12-06',
        '7.4': '2022-11-28',
        '8.0': '2023-11-26',
        '8.1': '2025-12-31',
        '8.2': '2026-12-31',
        '8.3': '2027-12-31',
        '8.4': '2028-12-31',
        '8.5': '2029-12-31',
      },
    },
    python: {
      label: 'Python',
      parts: 2,
      source: 'https://devguide.python.org/versions/',
      endOfSupport: {
        '2.7': '2020-01-01',
        '3.0': '2009-06-27',
        '3.1': '2012-04-09',
        '3.2': '2016-02-20',
        '3.3': '2017-09-29',
        '3.4': '2019-03-18',
        '3.5': '2020-09-30',
        '3.6': '2021-12-23',
        '3.7': '2023-06-27',
        '3.8': '2024-10-07',
        '3.9': '2025-10-31',
        '3.10': '2026-10-31',
        '3.11': '2027-10-31',
        '3.12': '2028-10-31',
        '3.13': '2029-10-31',
        '3.14': '2030-10-31',
      },
    },
    java: {
      label: 'Java',
      parts: 1,
      source:
        'https://learn.microsoft.com/java/openjdk/support (Microsoft Build of OpenJDK 11, 17, 21); https://adoptium.net/support/ (Eclipse Temurin 8, which App Service runs for Java 8)',
      endOfSupport: {
        '8': '2026-11-30',
        '11': '2027-09-30',
        '17': '2027-09-30',
        '21': '2028-09-30',
      },
    },
    node: {
      label: 'Node.js',
      parts: 1,
      source: 'https://github.com/nodejs/release#release-schedule',
      endOfSupport: {
        '10': '2021-04-30',
        '11': '2019-06-01',
        '12': '2022-04-30',
        '13': '2020-06-01',
        '14': '2023-04-30',
        '15': '2021-06-01',
        '16': '2023-09-11',
        '17': '2022-06-01',
        '18': '2025-04-30',
        '19': '2023-06-01',
        '20': '2026-04-30',
        '21': '2024-06-01',
        '22': '2027-04-30',
        '23': '2025-06-01',
        '24': '2028-04-30',
      },
    },
    dotnet: {
      label: '.NET',
      parts: 2,
      source: 'https://dotnet.microsoft.com/platform/support/policy/dotnet-core',
      endOfSupport: {
        '1.0': '2019-06-27',
        '1.1': '2019-06-27',
        '2.0': '2018-10-01',
        '2.1': '2021-08-21',
        '2.2': '2019-12-23',
        '3.0': '2020-03-03',
        '3.1': '2022-12-13',
        '5.0': '2022-05-10',
        '6.0': '2024-11-12',
        '7.0': '2024-05-14',
        '8.0': '2026-11-10',
        '9.0': '2026-11-10',
        '10.0': '2028-11-14',
      },
    },
    powershell: {
      label: 'PowerShell',
      parts: 2,
      source: 'https://learn.microsoft.com/powershell/scripting/install/powershell-support-lifecycle',
      endOfSupport: {
        '6.0': '2019-02-13',
        '6.1': '2019-09-28',
        '6.2': '2020-09-04',
        '7.0': '2022-12-03',
        '7.1': '2022-05-08',
        '7.2': '2024-11-08',
        '7.3': '2024-05-08',
        '7.4': '2026-11-10',
        '7.5': '2026-05-12',
      },
    },
    ruby: {
      label: 'Ruby',
      parts: 2,
      source: 'https://www.ruby-lang.org/en/downloads/branches/',
      endOfSupport: {
        '2.5': '2021-03-31',
        '2.6': '2022-04-12',
        '2.7': '2023-03-31',
        '3.0': '2024-04-23',
        '3.1': '2025-03-26',
        '3.2': '2026-03-31',
        '3.3': '2027-03-31',
        '3.4': '2028-03-31',
      },
    },
  },
};

function numbers(text: string): number[] {
  return text.split('.').map(Number);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

export type SupportStatus =
  | { readonly status: 'supported' }
  | { readonly status: 'ended'; readonly line: string; readonly ended?: string }
  | { readonly status: 'unknown'; readonly reason: string };

/** The release line of a version ("3.12.4" → "3.12"; Java "1.8.0_292" → "8"; Node "~22" → "22"), if it names one. */
export function releaseLine(
  stack: Stack,
  version: string,
  table: RuntimeSupportTable = RUNTIME_SUPPORT,
): string | undefined {
  let text = version.trim().replace(/^[~^v]/i, '');
  if (stack === 'java' && /^1\.\d/.test(text)) {
    text = text.slice(2);
  }
  const match = /^\d+(?:\.\d+)*/.exec(text);
  if (!match) {
    return undefined;
  }
  const parts = match[0].split('.');
  const wanted = table.stacks[stack].parts;
  return parts.length < wanted ? undefined : parts.slice(0, wanted).join('.');
}

/** Whether a version of a stack is past its end of support on the table's date. */
export function supportStatus(
  stack: Stack,
  version: string,
  table: RuntimeSupportTable = RUNTIME_SUPPORT,
): SupportStatus {
  const info = table.stacks[stack];
  const line = releaseLine(stack, version, table);
  if (line === undefined) {
    return {
      status: 'unknown',
      reason: `${info.label} version ${show(version)} does not name a release line (${info.parts === 2 ? 'major.minor' : 'major'})`,
    };
  }
  const ends = info.endOfSupport[line];
  if (ends !== undefined) {
    return ends < table.asOf ? { status: 'ended', line, ended: ends } : { status: 'supported' };
  }
  const known = Object.keys(info.endOfSupport).map(numbers);
  const v = numbers(line);
  if (known.every((k) => compare(v, k) > 0)) {
    return { status: 'supported' };
  }
  if (known.every((k) => compare(v, k) < 0)) {
    return { status: 'ended', line };
  }
  return {
    status: 'unknown',
    reason: `${info.label} ${line} is not in Palisade's runtime support table (reviewed ${table.asOf})`,
  };
}

/** The release lines still supported on the table's date, oldest first: "8.2, 8.3, 8.4, 8.5". */
export function supportedLines(stack: Stack, table: RuntimeSupportTable = RUNTIME_SUPPORT): string {
  return Object.entries(table.stacks[stack].endOfSupport)
    .filter(([, ends]) => ends >= table.asOf)
    .map(([line]) => line)
    .sort((a, b) => compare(numbers(a), numbers(b)))
    .join(', ');
}

/** A runtime found in the site configuration. */
export interface DetectedRuntime {
  readonly stack: Stack;
  readonly version: string;
  /** The configuration key it was read from ('linuxFxVersion', 'phpVersion'). */
  readonly key: string;
  /** The value as written ("PHP|7.4", "7.4"). */
  readonly value: string;
}

type LinuxStack =
  | { readonly kind: 'stack'; readonly runtime?: DetectedRuntime; readonly name: string }
  | { readonly kind: 'container' };

const CONTAINER_PREFIXES = new Set(['docker', 'compose', 'kube', 'sitecontainers']);
const JAVA_SERVERS = new Set(['tomcat', 'jbosseap', 'wildfly']);
const DOTNET_PREFIXES = new Set(['dotnetcore', 'dotnet', 'dotnet-isolated']);

/** The stack and version of a `linuxFxVersion` value. */
export function parseLinuxFxVersion(fx: string): LinuxStack {
  const bar = fx.indexOf('|');
  const prefix = (bar === -1 ? fx : fx.slice(0, bar)).trim().toLowerCase();
  const rest = bar === -1 ? '' : fx.slice(bar + 1).trim();
  if (CONTAINER_PREFIXES.has(prefix)) {
    return { kind: 'container' };
  }
  const runtime = (stack: Stack, version: string): LinuxStack => ({
    kind: 'stack',
    name: prefix.toUpperCase(),
    runtime: { stack, version, key: 'linuxFxVersion', value: fx },
  });
  if (isStack(prefix)) {
    return runtime(prefix, rest);
  }
  if (DOTNET_PREFIXES.has(prefix)) {
    return runtime('dotnet', rest);
  }
  if (JAVA_SERVERS.has(prefix)) {
    // "TOMCAT|10.1-java17", "JBOSSEAP|8-java17", "TOMCAT|9.0-jre8": the Java version follows the server version.
    const java = /-(?:java|jre)(\d+(?:\.\d+)*)$/i.exec(rest);
    return runtime('java', java?.[1] ?? '');
  }
  return { kind: 'stack', name: prefix.toUpperCase() };
}

/** Windows site configuration key of each stack. */
const WINDOWS_KEYS: Readonly<Record<Stack, string | undefined>> = {
  php: 'phpVersion',
  python: 'pythonVersion',
  java: 'javaVersion',
  node: 'nodeVersion',
  dotnet: 'netFrameworkVersion',
  powershell: 'powerShellVersion',
  ruby: undefined,
};

/** Windows values that mean "not in use". */
function isOff(stack: Stack, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'off') {
    return true;
  }
  // netFrameworkVersion "v2.0", "v3.5" and "v4.0" select .NET Framework, supported for the life of Windows.
  return stack === 'dotnet' && /^v?[1-4](\.\d+)*$/.test(text);
}

type Detection =
  | { readonly kind: 'runtimes'; readonly runtimes: readonly DetectedRuntime[]; readonly unknown: readonly Violation[] }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string; readonly path: string };

function stackNames(stacks: readonly Stack[], table: RuntimeSupportTable): string {
  return stacks.map((s) => table.stacks[s].label).join(', ');
}

function isLinux(site: AzureResource): boolean | undefined {
  const kind = kindOf(site);
  if (kind?.includes('linux')) {
    return true;
  }
  const reserved = read(site.azure, 'properties.reserved');
  if (reserved.state === 'set' && reserved.value === true) {
    return true;
  }
  if (kind !== undefined) {
    return false;
  }
  // Without a kind: a template site is a Windows app by default; an export cannot tell.
  return site.azure.origin === 'template' ? false : undefined;
}

/** The runtimes of the given stacks that the site is configured with. */
export function detectRuntimes(
  ctx: CheckContext,
  site: AzureResource,
  stacks: readonly Stack[],
  table: RuntimeSupportTable = RUNTIME_SUPPORT,
): Detection {
  const names = stackNames(stacks, table);
  if (kindOf(site)?.includes('container')) {
    return {
      kind: 'none',
      reason: 'the app runs a custom container, whose runtime is in the image (scan the image instead)',
    };
  }
  const linux = isLinux(site);
  const fx = readSiteConfig(ctx, site, 'linuxFxVersion');
  if (fx.state === 'set' && typeof fx.value === 'string' && fx.value.trim() !== '') {
    const parsed = parseLinuxFxVersion(fx.value);
    if (parsed.kind === 'container') {
      return {
        kind: 'none',
        reason: `linuxFxVersion ${show(fx.value)} runs a custom container, whose runtime is in the image`,
      };
    }
    if (parsed.runtime === undefined || !stacks.includes(parsed.runtime.stack)) {
      return { kind: 'none', reason: `the app runs ${parsed.name} (linuxFxVersion ${show(fx.value)}), not ${names}` };
    }
    return { kind: 'runtimes', runtimes: [parsed.runtime], unknown: [] };
  }
  if (fx.state === 'unknown' && linux !== false) {
    return { kind: 'unknown', reason: fx.reason, path: siteConfigPath('linuxFxVersion') };
  }
  if (linux === true) {
    return { kind: 'none', reason: 'the Linux app sets no runtime stack (linuxFxVersion is empty)' };
  }
  const windowsFx = readSiteConfig(ctx, site, 'windowsFxVersion');
  if (windowsFx.state === 'set' && typeof windowsFx.value === 'string' && windowsFx.value.trim() !== '') {
    return {
      kind: 'none',
      reason: `windowsFxVersion ${show(windowsFx.value)} runs a custom container, whose runtime is in the image`,
    };
  }
  const runtimes: DetectedRuntime[] = [];
  const unknown: Violation[] = [];
  for (const stack of stacks) {
    const key = WINDOWS_KEYS[stack];
    if (key === undefined) {
      continue;
    }
    const reading = readSiteConfig(ctx, site, key);
    if (reading.state === 'unknown') {
      unknown.push({ path: siteConfigPath(key), message: reading.reason });
    } else if (reading.state === 'set' && !isUnresolved(reading.value)) {
      const value = String(reading.value);
      if (!isOff(stack, value)) {
        runtimes.push({ stack, version: value, key, value });
      }
    }
  }
  if (runtimes.length === 0 && unknown.length === 0) {
    return { kind: 'none', reason: `the app does not use ${names}` };
  }
  return { kind: 'runtimes', runtimes, unknown };
}

/**
 * Fail when a runtime of the given stacks is past its end of support; indeterminate when the
 * configuration or the version cannot be read; not applicable when the app does not use the stacks.
 */
export function runtimeOutcome(
  ctx: CheckContext,
  site: AzureResource,
  stacks: readonly Stack[],
  table: RuntimeSupportTable = RUNTIME_SUPPORT,
): CheckOutcome {
  const detection = detectRuntimes(ctx, site, stacks, table);
  if (detection.kind === 'none') {
    return notApplicable(detection.reason);
  }
  if (detection.kind === 'unknown') {
    return indeterminate(detection.reason, [{ path: detection.path, message: detection.reason }]);
  }
  const violations: Violation[] = [];
  const unknown: Violation[] = [...detection.unknown];
  for (const runtime of detection.runtimes) {
    const info = table.stacks[runtime.stack];
    const path = siteConfigPath(runtime.key);
    const status = supportStatus(runtime.stack, runtime.version, table);
    if (status.status === 'ended') {
      const when =
        status.ended === undefined ? 'is past its end of support' : `reached end of support on ${status.ended}`;
      violations.push({
        path,
        message: `the ${appLabel(site)}'s ${runtime.key} is ${show(runtime.value)}: ${info.label} ${status.line} ${when}; move to a supported version (${supportedLines(runtime.stack, table)})`,
        actual: runtime.value,
      });
    } else if (status.status === 'unknown') {
      unknown.push({ path, message: `${runtime.key} is ${show(runtime.value)}: ${status.reason}` });
    }
  }
  if (violations.length > 0) {
    return { status: 'fail', violations };
  }
  if (unknown.length > 0) {
    return indeterminate(unknown.map((u) => u.message).join('; '), unknown);
  }
  return PASS;
}
