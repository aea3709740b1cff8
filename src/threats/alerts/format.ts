/** Alert outputs for people (table) and programs (JSON lines: one alert object per line). */
import type { Alert, Incident } from '#core';

export function alertJsonLine(alert: Alert): string {
  return `${JSON.stringify(alert)}\n`;
}

/** 'create pods/exec shop/web-1', 'list secrets shop/*', 'delete clusterroles admin' ('' when empty). */
export function alertTargetText(t: Alert['target']): string {
  const where = t.namespace ? `${t.namespace}/${t.name || '*'}` : t.name;
  return [t.verb, t.resource, where].filter((x) => x).join(' ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

const HEAD = ['SEVERITY', 'RULE', 'COUNT', 'FIRST SEEN', 'LAST SEEN', 'ACTOR', 'TARGET', 'TITLE'];

function row(a: Alert): string[] {
  return [
    a.severity.toUpperCase(),
    a.ruleId,
    String(a.count),
    a.firstSeen.replace(/\.\d+Z$/, 'Z'),
    a.lastSeen.replace(/\.\d+Z$/, 'Z'),
    clip(a.actor.user || '-', 40),
    clip(alertTargetText(a.target) || '-', 60),
    a.incidentId ? `${a.title} [${a.incidentId}]` : a.title,
  ];
}

/** A fixed-width table of alerts (column widths from the rows given). */
export function alertTable(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'No alerts.\n';
  const rows = [HEAD, ...alerts.map(row)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return rows
    .map((r) => `${r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i] as number))).join('  ')}\n`)
    .join('');
}

/** One line per alert, for `--follow` where rows arrive one at a time. */
export function alertLine(a: Alert): string {
  return `${row(a).join('  ')}${a.final ? '' : ' (open)'}\n`;
}

export function incidentTable(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return '';
  const lines = incidents.map(
    (i) =>
      `${i.id}  ${i.severity.toUpperCase()}  actor ${i.actor}  rules ${i.ruleIds.join(', ')}  ${i.alertIds.length} alerts  ${i.firstSeen} .. ${i.lastSeen}`,
  );
  return `\nIncidents (several rules for one actor):\n${lines.map((l) => `  ${l}\n`).join('')}`;
}
