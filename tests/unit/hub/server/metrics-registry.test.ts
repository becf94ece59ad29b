import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../../hub/server/metrics-registry.js';
import { parsePrometheusText, sampleValue } from '../../../support/prometheus-text.js';

describe('the hub metrics registry writes the Prometheus text format 0.0.4', () => {
  it('counters, histograms and scrape-time gauges parse back strictly, with cumulative buckets', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('t_requests_total', 'Requests.\nBy route \\ status.', ['route', 'status']);
    const latency = registry.histogram('t_latency_seconds', 'Latency.', ['route'], [0.1, 1]);
    requests.inc({ route: 'status', status: '200' });
    requests.inc({ route: 'status', status: '200' });
    requests.inc({ route: 'odd "one"\\\n', status: '404' });
    latency.observe({ route: 'status' }, 0.05);
    latency.observe({ route: 'status' }, 0.5);
    latency.observe({ route: 'status' }, 7);
    const families = parsePrometheusText(registry.render([{ name: 't_kiosks', help: 'Kiosks.', samples: [{ labels: { state: 'active' }, value: 3 }] }]));

    expect(families.get('t_requests_total')).toMatchObject({ type: 'counter', help: 'Requests.\nBy route \\ status.' });
    expect(sampleValue(families, 't_requests_total', 't_requests_total', { route: 'status', status: '200' })).toBe(2);
    // An awkward label value comes back as it was given.
    expect(sampleValue(families, 't_requests_total', 't_requests_total', { route: 'odd "one"\\\n', status: '404' })).toBe(1);
    expect(families.get('t_latency_seconds')?.type).toBe('histogram');
    const bucket = (le: string): number | undefined => sampleValue(families, 't_latency_seconds', 't_latency_seconds_bucket', { route: 'status', le });
    expect([bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([1, 2, 3]);
    expect(sampleValue(families, 't_latency_seconds', 't_latency_seconds_count', { route: 'status' })).toBe(3);
    expect(sampleValue(families, 't_latency_seconds', 't_latency_seconds_sum', { route: 'status' })).toBeCloseTo(7.55);
    expect(families.get('t_kiosks')?.type).toBe('gauge');
    expect(sampleValue(families, 't_kiosks', 't_kiosks', { state: 'active' })).toBe(3);
  });

  it('refuses what would make a bad exposition: wrong labels, a counter going down, a name twice', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('t_total', 'T.', ['route']);
    expect(() => counter.inc({})).toThrow(/labels/);
    expect(() => counter.inc({ route: 'a', other: 'b' })).toThrow(/labels/);
    expect(() => counter.inc({ route: 'a' }, -1)).toThrow(/only goes up/);
    expect(() => registry.counter('t_total', 'again')).toThrow(/twice/);
    expect(() => registry.counter('bad-name', 'x')).toThrow(/metric name/);
    expect(() => registry.histogram('t_h', 'x', ['le'])).toThrow(/le/);
  });
});

describe('the test parser is strict', () => {
  it.each([
    ['no final line feed', 'a 1'],
    ['a bad escape', 'a{x="\\t"} 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a counter\n'],
    ['a family in two places', 'a 1\nb 1\na{x="y"} 2\n'],
    ['a repeated series', 'a{x="y"} 1\na{x="y"} 2\n'],
    ['a bad value', 'a 1,5\n'],
    ['buckets not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['_count not the +Inf bucket', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
