/**
 * Sets of IP networks for rules about where requests come from (`match.sourceIPsIn` and the CEL
 * function `ipInNetworks(ip, list)`): CIDR blocks and single addresses, IPv4 and IPv6, held in
 * node:net's BlockList. An IPv4 address written IPv4-mapped in IPv6 (`::ffff:203.0.113.7`, as
 * dual-stack API servers may log it) matches the IPv4 networks too.
 */
import { BlockList, isIP } from 'node:net';

export interface NetworkSet {
  /** True when the address lies in one of the networks; false for anything that is not an address. */
  has(address: string): boolean;
}

/** Why a list entry is not a network, or undefined when it is one. */
function addEntry(list: BlockList, entry: string): string | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) {
    return `"${entry}" is not an IP address or CIDR block`;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) {
    list.addAddress(address, type);
    return undefined;
  }
  const bitsText = text.slice(slash + 1);
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) {
    return `"${entry}" has an invalid prefix length "/${bitsText}"`;
  }
  list.addSubnet(address, bits, type);
  return undefined;
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The networks of a list, or the reason its first bad entry is not a network. */
export function compileNetworks(entries: readonly string[]): NetworkSet | string {
  const list = new BlockList();
  for (const entry of entries) {
    const problem = addEntry(list, entry);
    if (problem !== undefined) {
      return problem;
    }
  }
  if (entries.length === 0) {
    return { has: () => false };
  }
  return {
    has(address) {
      const family = isIP(address);
      if (family === 4) {
        return list.check(address, 'ipv4');
      }
      if (family === 6) {
        const mapped = MAPPED_V4.exec(address)?.[1];
        return list.check(address, 'ipv6') || (mapped !== undefined && list.check(mapped, 'ipv4'));
      }
      return false;
    },
  };
}

const cache = new WeakMap<readonly unknown[], NetworkSet>();

/**
 * The CEL function `ipInNetworks(string, list): bool`. The list is usually a named list, the same
 * array on every call, so its BlockList is built once. A list holding something that is not a
 * network throws, which the engine reports once for the rule.
 */
export function ipInNetworks(address: string, networks: readonly unknown[]): boolean {
  let set = cache.get(networks);
  if (set === undefined) {
    const entries: string[] = [];
    for (const n of networks) {
      if (typeof n !== 'string') {
        throw new Error(`ipInNetworks: the network list holds a ${typeof n}, not a string`);
      }
      entries.push(n);
    }
    const compiled = compileNetworks(entries);
    if (typeof compiled === 'string') {
      throw new Error(`ipInNetworks: ${compiled}`);
    }
    set = compiled;
    cache.set(networks, set);
  }
  return set.has(address);
}
