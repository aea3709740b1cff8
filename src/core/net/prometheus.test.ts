import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Gauge, Histogram, MetricRegistry } from './prometheus.ts';

describe('Prometheus text exposition', () => {
  it('renders counters and gauges with HELP, TYPE and escaped label values', () => {
    const registry = new MetricRegistry();
    const c = registry.register(new Counter('x_total', 'Things\\counted\nhere.', ['path']));
    c.inc({ path: 'a"b\\c\nd' });
    c.inc({ path: 'a"b\\c\nd' }, 2);
    c.touch({ path: '/z' });
    let level = 7;
    registry.register(new Gauge('x_level', 'Level.', [], (g) => g.set({}, level)));
    assert.equal(
      registry.render(),
      '# HELP x_total Things\\\\counted\\nhere.\n# TYPE x_total counter\nx_total{path="a\\"b\\\\c\\nd"} 3\nx_total{path="/z"} 0\n' +
        '# HELP x_level Level.\n# TYPE x_level gauge\nx_level 7\n',
    );
    level = 8;
    assert.match(registry.render(), /^x_level 8$/m, 'the gauge is collected at each render');
    assert.throws(() => c.inc({}, -1), /cannot go down/);
    assert.throws(() => registry.register(new Counter('x_total', 'again')), /registered twice/);
    assert.throws(() => new Counter('bad-name', 'x'), /invalid Prometheus metric name/);
    assert.throws(() => new Counter('ok', 'x', ['le']), /invalid label name "le"/);
  });

  it('renders histograms as cumulative buckets, +Inf, _sum and _count', () => {
    const h = new Histogram('lat_seconds', 'Latency.', ['path'], [0.001, 0.01, 0.1]);
    for (const v of [0.0005, 0.001, 0.005, 0.05, 2]) h.observe({ path: '/v' }, v);
    assert.equal(
      h.render(),
      [
        '# HELP lat_seconds Latency.',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{path="/v",le="0.001"} 2',
        'lat_seconds_bucket{path="/v",le="0.01"} 3',
        'lat_seconds_bucket{path="/v",le="0.1"} 4',
        'lat_seconds_bucket{path="/v",le="+Inf"} 5',
        'lat_seconds_sum{path="/v"} 2.0565',
        'lat_seconds_count{path="/v"} 5',
        '',
      ].join('\n'),
    );
    assert.throws(() => new Histogram('h', 'x', [], [0.1, 0.1]), /strictly ascending/);
  });
});
