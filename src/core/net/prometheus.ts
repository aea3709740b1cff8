/**
 * Counters, gauges and histograms written in the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP` and `# TYPE` lines, then
 * one sample per label set; histograms as cumulative `_bucket{le="..."}` samples ending with
 * `le="+Inf"`, then `_sum` and `_count`. Label values are escaped (backslash, double quote, line
 * feed), HELP text too (backslash, line feed). Label sets are created by the code, never from
 * request input, so their number stays bounded.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="x",b="y"}` in the declared label order, or '' without labels. */
function labelText(names: readonly string[], labels: Labels, extra?: [string, string]): string {
  const parts = names.map((n) => `${n}="${escapeLabel(labels[n] ?? '')}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) closely enough for Prometheus: +Inf, -Inf, NaN. */
function numberText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

interface Metric {
  render(): string;
}

abstract class Family<S> implements Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly series = new Map<string, { labels: Labels; value: S }>();
  protected abstract readonly type: string;

  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    if (!NAME.test(name)) throw new Error(`invalid Prometheus metric name "${name}"`);
    for (const l of labelNames) {
      if (!LABEL.test(l) || l.startsWith('__') || l === 'le') throw new Error(`invalid label name "${l}" on ${name}`);
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected abstract initial(): S;

  protected at(labels: Labels): { labels: Labels; value: S } {
    const key = this.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) own[n] = labels[n] ?? '';
      entry = { labels: own, value: this.initial() };
      this.series.set(key, entry);
    }
    return entry;
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

/** A value that only goes up. */
export class Counter extends Family<{ n: number }> {
  protected readonly type = 'counter';
  protected initial(): { n: number } {
    return { n: 0 };
  }
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter cannot go down (${by})`);
    this.at(labels).value.n += by;
  }
  /** Makes the series appear (at 0) before its first increment. */
  touch(labels: Labels = {}): void {
    this.at(labels);
  }
  get(labels: Labels = {}): number {
    return this.at(labels).value.n;
  }
  render(): string {
    let out = this.header();
    for (const { labels, value } of this.series.values()) {
      out += `${this.name}${labelText(this.labelNames, labels)} ${numberText(value.n)}\n`;
    }
    return out;
  }
}

/** A value that goes up and down; `collect` (when given) sets it just before rendering. */
export class Gauge extends Family<{ n: number }> {
  protected readonly type = 'gauge';
  private readonly collect: ((gauge: Gauge) => void) | undefined;
  constructor(name: string, help: string, labelNames: readonly string[] = [], collect?: (gauge: Gauge) => void) {
    super(name, help, labelNames);
    this.collect = collect;
  }
  protected initial(): { n: number } {
    return { n: 0 };
  }
  set(labels: Labels, value: number): void {
    this.at(labels).value.n = value;
  }
  get(labels: Labels = {}): number {
    return this.at(labels).value.n;
  }
  render(): string {
    this.collect?.(this);
    let out = this.header();
    for (const { labels, value } of this.series.values()) {
      out += `${this.name}${labelText(this.labelNames, labels)} ${numberText(value.n)}\n`;
    }
    return out;
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted in cumulative buckets (upper bounds, ascending; `+Inf` is implied). */
export class Histogram extends Family<HistogramState> {
  protected readonly type = 'histogram';
  readonly buckets: readonly number[];
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    const sorted = buckets.every((b, i) => i === 0 || b > (buckets[i - 1] as number));
    if (buckets.length === 0 || !sorted || !buckets.every(Number.isFinite)) {
      throw new Error(`${name}: buckets must be finite and strictly ascending`);
    }
    this.buckets = buckets;
  }
  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(labels: Labels, value: number): void {
    const state = this.at(labels).value;
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) state.counts[i] = (state.counts[i] ?? 0) + 1;
    state.sum += value;
    state.count++;
  }
  touch(labels: Labels = {}): void {
    this.at(labels);
  }
  render(): string {
    let out = this.header();
    for (const { labels, value } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += value.counts[i] ?? 0;
        out += `${this.name}_bucket${labelText(this.labelNames, labels, ['le', numberText(bound)])} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, labels, ['le', '+Inf'])} ${value.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, labels)} ${numberText(value.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, labels)} ${value.count}\n`;
    }
    return out;
  }
}

/** Metrics rendered together, in registration order. */
export class MetricRegistry {
  private readonly metrics: Metric[] = [];
  private readonly names = new Set<string>();

  register<M extends Metric & { readonly name: string }>(metric: M): M {
    if (this.names.has(metric.name)) throw new Error(`metric ${metric.name} is registered twice`);
    this.names.add(metric.name);
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return this.metrics.map((m) => m.render()).join('');
  }
}
