/**
 * Orders rotated log files oldest first. Names follow the kube-apiserver log backend
 * (lumberjack: `audit-2006-01-02T15-04-05.000.log`, optionally `.gz`) and logrotate
 * (`audit.log.1`, `audit.log.2.gz`: a higher number is older). Files are grouped by the live
 * name they rotate from (`audit.log`); within a group timestamped backups come first by time, then
 * numbered backups from the highest number down, then the live file. Groups, and files that are not
 * rotations of anything, keep the order they were given in.
 */
import { basename, dirname, join } from 'node:path';

interface Ranked {
  readonly path: string;
  readonly group: string;
  /** 0 timestamped, 1 numbered, 2 live. */
  readonly tier: number;
  /** Within a tier: smaller is older. */
  readonly key: number;
  readonly given: number;
}

const NUMBERED = /^(.+)\.(\d+)(\.gz)?$/;
// prefix-YYYY-MM-DDTHH-MM-SS(.fff).ext(.gz)
const TIMESTAMPED = /^(.*)-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})(?:\.(\d{1,9}))?(\.[^.]+)?(\.gz)?$/;

function rank(path: string, given: number): Ranked {
  const dir = dirname(path);
  const name = basename(path);
  const numbered = NUMBERED.exec(name);
  if (numbered?.[1] && numbered[2]) {
    return { path, group: join(dir, numbered[1]), tier: 1, key: -Number(numbered[2]), given };
  }
  const stamped = TIMESTAMPED.exec(name);
  if (stamped) {
    const [, prefix, y, mo, d, h, mi, s, frac, ext] = stamped;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const fraction = frac ? Number(`0.${frac}`) * 1000 : 0;
    return { path, group: join(dir, `${prefix}${ext ?? ''}`), tier: 0, key: ms + fraction, given };
  }
  return { path, group: join(dir, name.endsWith('.gz') ? name.slice(0, -3) : name), tier: 2, key: 0, given };
}

/** Returns `paths` reordered so each rotated set reads oldest first, ending with its live file. */
export function orderRotated(paths: readonly string[]): string[] {
  const ranked = paths.map(rank);
  const firstSeen = new Map<string, number>();
  for (const item of ranked) {
    if (!firstSeen.has(item.group)) {
      firstSeen.set(item.group, item.given);
    }
  }
  ranked.sort(
    (a, b) =>
      (firstSeen.get(a.group) ?? 0) - (firstSeen.get(b.group) ?? 0) ||
      a.tier - b.tier ||
      a.key - b.key ||
      a.given - b.given,
  );
  return ranked.map((item) => item.path);
}
