/**
 * A small in-process metrics registry written out in the Prometheus text exposition format,
 * version 0.0.4: counters and histograms kept in memory, plus gauges the caller reads at
 * scrape time (from storage). Our own rather than a dependency: the hub needs a handful of
 * series, and the format is a page of text.
 *
 * Label values must come from small closed sets (route names, status codes, result kinds):
 * a label taken from a request (a path, an ID) would grow the memory without bound and could
 * carry personal data into the scrape.
 */

export type Labels = Readonly<Record<string, string>>;

/** The content type a Prometheus server expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Default latency buckets in seconds: from a cached 304 to a multi-second snapshot download. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  render(): string[];
}

/** One gauge read at scrape time: its samples, each with its labels. */
export interface GaugeFamily {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly { readonly labels: Labels; readonly value: number }[];
}

export class Counter implements Family {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`a counter only goes up: ${this.name} by ${by}`);
    const key = labelKey(this.name, this.labelNames, labels);
    const slot = this.values.get(key);
    if (slot === undefined) this.values.set(key, { labels, value: by });
    else slot.value += by;
  }

  render(): string[] {
    return [...this.values.values()].map(({ labels, value }) => sample(this.name, labels, value));
  }
}

export class Histogram implements Family {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= (buckets[i - 1] as number))))
      throw new RangeError(`${name}: buckets must be finite and increasing`);
    if (labelNames.includes('le')) throw new RangeError(`${name}: "le" is the bucket label`);
  }

  observe(labels: Labels, value: number): void {
    if (Number.isNaN(value)) return;
    const key = labelKey(this.name, this.labelNames, labels);
    let slot = this.series.get(key);
    if (slot === undefined) {
      slot = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, slot);
    }
    // Per-bucket counts here; the exposition's buckets are cumulative (rendered below).
    const at = this.buckets.findIndex((bound) => value <= bound);
    if (at >= 0) slot.counts[at] = (slot.counts[at] as number) + 1;
    slot.sum += value;
    slot.count += 1;
  }

  render(): string[] {
    const lines: string[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i] as number;
        lines.push(sample(`${this.name}_bucket`, { ...labels, le: formatValue(bound) }, cumulative));
      });
      lines.push(sample(`${this.name}_bucket`, { ...labels, le: '+Inf' }, count));
      lines.push(sample(`${this.name}_sum`, labels, sum));
      lines.push(sample(`${this.name}_count`, labels, count));
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family & { readonly type: 'counter' | 'histogram' }>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const counter = new Counter(checkedName(name, labelNames), help, labelNames);
    this.register(Object.assign(counter, { type: 'counter' as const }));
    return counter;
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: readonly number[]): Histogram {
    const histogram = new Histogram(checkedName(name, labelNames), help, labelNames, buckets);
    this.register(Object.assign(histogram, { type: 'histogram' as const }));
    return histogram;
  }

  /** The whole exposition: the registry's families, then the gauges read for this scrape. */
  render(gauges: readonly GaugeFamily[] = []): string {
    const lines: string[] = [];
    for (const family of this.families.values()) lines.push(...header(family.name, family.help, family.type), ...family.render());
    for (const gauge of gauges) {
      checkedName(gauge.name, []);
      if (this.families.has(gauge.name)) throw new Error(`metric ${gauge.name} is registered twice`);
      lines.push(...header(gauge.name, gauge.help, 'gauge'), ...gauge.samples.map(({ labels, value }) => sample(gauge.name, labels, value)));
    }
    return `${lines.join('\n')}\n`;
  }

  private register(family: Family & { readonly type: 'counter' | 'histogram' }): void {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.set(family.name, family);
  }
}

function checkedName(name: string, labelNames: readonly string[]): string {
  if (!METRIC_NAME.test(name)) throw new RangeError(`not a metric name: ${JSON.stringify(name)}`);
  for (const label of labelNames) if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new RangeError(`not a label name: ${JSON.stringify(label)}`);
  return name;
}

/** The series' identity: every declared label, and no other, in declared order. */
function labelKey(name: string, labelNames: readonly string[], labels: Labels): string {
  const given = Object.keys(labels);
  if (given.length !== labelNames.length || given.some((label) => !labelNames.includes(label)))
    throw new RangeError(`${name} takes the labels [${labelNames.join(', ')}], got [${given.join(', ')}]`);
  return JSON.stringify(labelNames.map((label) => labels[label]));
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, v]) => `${label}="${escapeLabelValue(v)}"`);
  return `${name}${pairs.length === 0 ? '' : `{${pairs.join(',')}}`} ${formatValue(value)}`;
}

/** 0.0.4: in HELP, backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** 0.0.4: in label values, backslash, double quote and line feed are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
