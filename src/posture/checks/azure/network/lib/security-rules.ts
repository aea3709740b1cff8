/**
 * Network security group rules that allow inbound traffic from the Internet, as the NSG checks and
 * the VM management-port check read them.
 *
 * Rules come from the NSG's inline `properties.securityRules[*]` (ARM shape `{ name, properties }`
 * or flattened by `az network nsg show`) and from separate
 * `Microsoft.Network/networkSecurityGroups/securityRules` child resources (templates,
 * `az network nsg rule list`); a child with the name of an inline rule is the same rule and is read
 * once. `defaultSecurityRules` are never read: none of them allows traffic from the Internet.
 *
 * A rule matches when access is Allow, direction Inbound, the protocol is `*` or one the check
 * names, a source (`sourceAddressPrefix` or any of `sourceAddressPrefixes`) is `*`, `Internet`,
 * `Any`, `0.0.0.0` or a `/0` prefix, and the destination ports (`destinationPortRange` and
 * `destinationPortRanges[*]`: `*`, a port, or an `a-b` range) contain what the check looks for.
 * Like Azure Policy's built-in NSG definitions (for example 2c89a2e5-7285-40fe-afe0-ae8654b92fab
 * and e372f825-a257-4fb8-9175-797a8a8627d6), priorities are not compared: an Allow rule is reported
 * even when a Deny rule with a lower priority number would shadow it, because such a rule keeps the
 * port one priority change away from being open. Values Palisade cannot know (template expressions)
 * make the rule unknown, and the check indeterminate unless another rule fails it.
 * Sources: https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview,
 * https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get
 */
import { isUnresolved } from '#core';
import { type CheckContext, type CheckOutcome, indeterminate, PASS } from '../../../../check.ts';
import { type AzureResource, childrenOf, readArray, sameText } from '../../../../lib/azure.ts';
import { fieldOf, isRecord, lastSegment, propertiesOf, unresolvedReason } from './arm.ts';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface SecurityRule {
  readonly name: string;
  /** Violation path: 'properties.securityRules[2]', or 'securityRules/allow-ssh' for a child resource. */
  readonly path: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Why the rule cannot be read at all (an `az resource list` row, an unresolved item). */
  readonly unknown?: string;
}

export interface RuleSet {
  readonly rules: readonly SecurityRule[];
  /** Why the NSG's own rule list cannot be read. */
  readonly unknown?: string;
}

/** The custom security rules of an NSG: inline, then child resources not already inline. */
export function securityRulesOf(ctx: CheckContext, nsg: AzureResource): RuleSet {
  const rules: SecurityRule[] = [];
  const inline = readArray(nsg.azure, 'properties.securityRules');
  (inline.items ?? []).forEach((item, i) => {
    const path = `properties.securityRules[${i}]`;
    if (!isRecord(item)) {
      rules.push({ name: `#${i}`, path, unknown: unresolvedReason(path, item) });
      return;
    }
    const name = fieldOf(item, 'name');
    const properties = fieldOf(item, 'properties');
    rules.push({
      name: typeof name === 'string' ? name : `#${i}`,
      path,
      ...(isUnresolved(properties)
        ? { unknown: unresolvedReason(`${path}.properties`, properties) }
        : { properties: propertiesOf(item) }),
    });
  });
  const inlineNames = new Set(rules.map((r) => r.name.toLowerCase()));
  for (const child of childrenOf(ctx, nsg, 'Microsoft.Network/networkSecurityGroups/securityRules')) {
    const name = lastSegment(child.azure.name);
    if (inlineNames.has(name.toLowerCase())) {
      continue;
    }
    const path = `securityRules/${name}`;
    rules.push(
      child.azure.propertiesUnknown
        ? {
            name,
            path,
            unknown: `the input has no properties for security rule "${name}"; export it with \`az network nsg rule show --ids <id>\``,
          }
        : { name, path, properties: child.azure.arm.properties },
    );
  }
  return inline.state === 'unknown' ? { rules, unknown: inline.reason } : { rules };
}

/** True, false, or unknown with the reason. */
type Tri = boolean | { readonly unknown: string };

function all(values: readonly Tri[]): Tri {
  if (values.includes(false)) {
    return false;
  }
  const unknown = values.filter((v): v is { readonly unknown: string } => typeof v === 'object');
  return unknown.length > 0 ? { unknown: unknown.map((u) => u.unknown).join(', ') } : true;
}

function textIs(properties: Readonly<Record<string, unknown>>, key: string, expected: string): Tri {
  const value = fieldOf(properties, key);
  if (typeof value === 'string') {
    return sameText(value, expected);
  }
  return { unknown: value === undefined || value === null ? `${key} is not set` : unresolvedReason(key, value) };
}

/** '*', 'Internet', 'Any', '0.0.0.0' or any '/0' prefix ('0.0.0.0/0', '::/0'): every address. */
export function isInternetSource(prefix: string): boolean {
  const p = prefix.trim().toLowerCase();
  return p === '*' || p === 'internet' || p === 'any' || p === '0.0.0.0' || /\/0$/.test(p);
}

/** A destination port range as NSGs write it: '*', '22' or '1024-2048'. */
export function parsePortRange(text: string): PortRange | undefined {
  const t = text.trim();
  if (t === '*') {
    return { from: 0, to: 65535 };
  }
  const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!match) {
    return undefined;
  }
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

/** Whether the ranges contain a port. */
export function includesPort(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((r) => r.from <= port && port <= r.to);
}

/** Whether the ranges together cover every port 1-65535 ('*', '0-65535', or pieces that join up). */
export function coversAllPorts(ranges: readonly PortRange[]): boolean {
  let next = 1;
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    if (r.from > next) {
      return false;
    }
    next = Math.max(next, r.to + 1);
  }
  return next > 65535;
}

export interface ExposureQuery {
  /** Protocols that carry what the check looks for; a rule with protocol '*' always qualifies. */
  readonly protocols: readonly ('Tcp' | 'Udp')[];
  /** Whether the rule's destination ports expose what the check looks for. */
  readonly ports: (ranges: readonly PortRange[]) => boolean;
}

export interface Exposure {
  readonly rule: SecurityRule;
  /** The protocol as written: 'Tcp', 'Udp', '*'. */
  readonly protocol: string;
  /** The destination ports as written. */
  readonly ports: readonly string[];
  readonly ranges: readonly PortRange[];
  /** The sources that mean the Internet. */
  readonly sources: readonly string[];
  readonly priority?: number;
}

export type RuleVerdict =
  | { readonly kind: 'match'; readonly exposure: Exposure }
  | { readonly kind: 'no' }
  | { readonly kind: 'unknown'; readonly reason: string };

function textValues(properties: Readonly<Record<string, unknown>>, single: string, plural: string): unknown[] {
  const values: unknown[] = [];
  const one = fieldOf(properties, single);
  if (one !== undefined && one !== null && one !== '') {
    values.push(one);
  }
  const many = fieldOf(properties, plural);
  if (Array.isArray(many)) {
    values.push(...many);
  } else if (isUnresolved(many)) {
    values.push(many);
  }
  return values;
}

/** Whether one rule allows, from the Internet, inbound traffic the query describes. */
export function internetAllow(rule: SecurityRule, query: ExposureQuery): RuleVerdict {
  const p = rule.properties;
  if (p === undefined) {
    return { kind: 'unknown', reason: rule.unknown ?? 'the rule cannot be read' };
  }
  const protocolValue = fieldOf(p, 'protocol');
  const protocol: Tri =
    typeof protocolValue === 'string'
      ? protocolValue === '*' || query.protocols.some((q) => sameText(protocolValue, q))
      : {
          unknown:
            protocolValue === undefined || protocolValue === null
              ? 'protocol is not set'
              : unresolvedReason('protocol', protocolValue),
        };

  const sourceValues = textValues(p, 'sourceAddressPrefix', 'sourceAddressPrefixes');
  const internet = sourceValues.filter((v): v is string => typeof v === 'string' && isInternetSource(v));
  const unknownSource = sourceValues.find((v) => typeof v !== 'string');
  const asgs = fieldOf(p, 'sourceApplicationSecurityGroups');
  const source: Tri =
    internet.length > 0
      ? true
      : unknownSource !== undefined
        ? {
            unknown: unresolvedReason(
              fieldOf(p, 'sourceAddressPrefix') === unknownSource ? 'sourceAddressPrefix' : 'sourceAddressPrefixes',
              unknownSource,
            ),
          }
        : sourceValues.length > 0 || (Array.isArray(asgs) && asgs.length > 0)
          ? false
          : { unknown: 'no source address prefix is set' };

  const portValues = textValues(p, 'destinationPortRange', 'destinationPortRanges');
  const ranges: PortRange[] = [];
  let ports: Tri = true;
  if (portValues.length === 0) {
    ports = { unknown: 'no destination port range is set' };
  }
  for (const value of portValues) {
    const range = typeof value === 'string' ? parsePortRange(value) : undefined;
    if (range === undefined) {
      ports = {
        unknown:
          typeof value === 'string'
            ? `destination port "${value}" is not a port or range`
            : unresolvedReason(
                fieldOf(p, 'destinationPortRange') === value ? 'destinationPortRange' : 'destinationPortRanges',
                value,
              ),
      };
      break;
    }
    ranges.push(range);
  }
  if (ports === true) {
    ports = query.ports(ranges);
  }

  const verdict = all([textIs(p, 'access', 'Allow'), textIs(p, 'direction', 'Inbound'), protocol, source, ports]);
  if (verdict === false) {
    return { kind: 'no' };
  }
  if (verdict !== true) {
    return { kind: 'unknown', reason: verdict.unknown };
  }
  const priority = fieldOf(p, 'priority');
  return {
    kind: 'match',
    exposure: {
      rule,
      protocol: protocolValue as string,
      ports: portValues as string[],
      ranges,
      sources: internet,
      ...(typeof priority === 'number' ? { priority } : {}),
    },
  };
}

/** 'rule "AllowSSH" (priority 300) allows Inbound Tcp traffic to destination port 22 from "Internet"'. */
export function describeExposure(exposure: Exposure): string {
  const priority = exposure.priority === undefined ? '' : ` (priority ${exposure.priority})`;
  const protocol = exposure.protocol === '*' ? 'traffic of any protocol (*)' : `${exposure.protocol} traffic`;
  const ports =
    exposure.ports.length === 1 && exposure.ports[0]?.trim() === '*'
      ? 'all destination ports (*)'
      : exposure.ports.length === 1
        ? `destination port ${exposure.ports[0]?.trim()}`
        : `destination ports ${exposure.ports.map((s) => s.trim()).join(', ')}`;
  const sources = exposure.sources.map((s) => `"${s}"`).join(', ');
  return `rule "${exposure.rule.name}"${priority} allows Inbound ${protocol} to ${ports} from ${sources}`;
}

export interface NsgExposures {
  readonly matches: readonly Exposure[];
  /** Rules (or the rule list) that cannot be read: 'rule "x": reason'. */
  readonly unknown: readonly string[];
}

/** The rules of an NSG that match the query, and the ones that cannot be told. */
export function exposuresOf(ctx: CheckContext, nsg: AzureResource, query: ExposureQuery): NsgExposures {
  const set = securityRulesOf(ctx, nsg);
  const matches: Exposure[] = [];
  const unknown: string[] = set.unknown === undefined ? [] : [set.unknown];
  for (const rule of set.rules) {
    const verdict = internetAllow(rule, query);
    if (verdict.kind === 'match') {
      matches.push(verdict.exposure);
    } else if (verdict.kind === 'unknown') {
      unknown.push(`rule "${rule.name}": ${verdict.reason}`);
    }
  }
  return { matches, unknown };
}

/**
 * The outcome of an NSG check: fail naming every matching rule, indeterminate when a rule cannot
 * be read and none matches, pass otherwise. `detail` adds to a violation message (the database
 * ports a range contains).
 */
export function checkNsg(
  ctx: CheckContext,
  nsg: AzureResource,
  query: ExposureQuery,
  detail?: (exposure: Exposure) => string,
): CheckOutcome {
  const { matches, unknown } = exposuresOf(ctx, nsg, query);
  if (matches.length > 0) {
    return {
      status: 'fail',
      violations: matches.map((exposure) => ({
        path: exposure.rule.path,
        message: `${describeExposure(exposure)}${detail === undefined ? '' : detail(exposure)}`,
      })),
    };
  }
  return unknown.length > 0 ? indeterminate(unknown.join('; ')) : PASS;
}
