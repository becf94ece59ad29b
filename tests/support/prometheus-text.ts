/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4, for tests: it
 * throws on anything a Prometheus server would refuse or mis-read (a bad name, an unknown
 * escape, a TYPE after its samples, a family split in two, a repeated series, histogram
 * buckets that are not cumulative or lack `+Inf`, a `_count` that is not the `+Inf` bucket).
 * Written from the format's description, independently of the hub's writer.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string | undefined;
  readonly samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, ParsedFamily & { help: string | undefined; type: ParsedFamily['type'] }>();
  const finished = new Set<string>();
  const seenSeries = new Set<string>();
  let current: string | undefined;
  const familyFor = (name: string): ParsedFamily & { help: string | undefined; type: ParsedFamily['type'] } => {
    let family = families.get(name);
    if (family === undefined) {
      if (finished.has(name)) throw new Error(`family ${name} appears in two places`);
      family = { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, family);
    }
    if (current !== name) {
      if (current !== undefined) finished.add(current);
      if (finished.has(name)) throw new Error(`family ${name} appears in two places`);
      current = name;
    }
    return family;
  };
  text
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => {
      const where = `line ${index + 1}: ${JSON.stringify(line)}`;
      if (line.trim() === '') return;
      if (line.startsWith('#')) {
        const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
        if (meta === null) return; // a plain comment
        const [, kind, name = '', rest = ''] = meta;
        if (!new RegExp(`${NAME.source}$`).test(name)) throw new Error(`${where}: bad metric name`);
        const family = familyFor(name);
        if (kind === 'HELP') {
          if (family.help !== undefined) throw new Error(`${where}: a second HELP`);
          family.help = unescape(rest, false, where);
        } else {
          if (family.type !== 'untyped' || family.samples.length > 0) throw new Error(`${where}: TYPE after samples or twice`);
          if (!TYPES.has(rest.trim())) throw new Error(`${where}: unknown type`);
          family.type = rest.trim() as ParsedFamily['type'];
        }
        return;
      }
      const parsed = parseSampleLine(line, where);
      const family = familyFor(familyName(parsed.name, families));
      const key = `${parsed.name}${JSON.stringify(Object.entries(parsed.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
      if (seenSeries.has(key)) throw new Error(`${where}: a repeated series`);
      seenSeries.add(key);
      family.samples.push(parsed);
    });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** `x_bucket`, `x_sum`, `x_count` belong to the family `x` when it is declared a histogram (or summary). */
function familyName(sampleName: string, families: ReadonlyMap<string, ParsedFamily>): string {
  const suffix = /_(bucket|sum|count)$/.exec(sampleName);
  if (suffix !== null) {
    const base = sampleName.slice(0, -suffix[0].length);
    const type = families.get(base)?.type;
    if (type === 'histogram' || (type === 'summary' && suffix[1] !== 'bucket')) return base;
  }
  return sampleName;
}

function parseSampleLine(line: string, where: string): ParsedSample {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) throw new Error(`${where}: no metric name`);
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = LABEL.exec(rest)?.[0];
      if (label === undefined) throw new Error(`${where}: bad label name`);
      if (label in labels) throw new Error(`${where}: label ${label} twice`);
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) throw new Error(`${where}: label ${label} has no ="value"`);
      rest = rest.slice(2);
      let raw = '';
      for (;;) {
        const char = rest[0];
        if (char === undefined) throw new Error(`${where}: unterminated label value`);
        if (char === '"') break;
        if (char === '\\') {
          raw += rest.slice(0, 2);
          rest = rest.slice(2);
        } else {
          raw += char;
          rest = rest.slice(1);
        }
      }
      labels[label] = unescape(raw, true, where);
      rest = rest.slice(1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) throw new Error(`${where}: expected , or } after a label`);
    }
    rest = rest.slice(1);
  }
  const fields = /^ +(\S+)(?: +(-?\d+))?$/.exec(rest);
  if (fields === null) throw new Error(`${where}: expected " value [timestamp]"`);
  return { name, labels, value: parseValue(fields[1] as string, where) };
}

function parseValue(text: string, where: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

/** Label values know `\\`, `\"` and `\n`; HELP knows `\\` and `\n`. Any other escape is an error. */
function unescape(raw: string, quoteAllowed: boolean, where: string): string {
  return raw.replace(/\\(.?)/g, (_, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && quoteAllowed) return '"';
    throw new Error(`${where}: bad escape \\${next}`);
  });
}

function checkHistogram(family: ParsedFamily): void {
  const series = new Map<string, { buckets: { le: number; count: number }[]; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    const slot = series.get(key) ?? { buckets: [] };
    series.set(key, slot);
    if (s.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      slot.buckets.push({ le: parseValue(le, family.name), count: s.value });
    } else if (s.name === `${family.name}_count`) slot.count = s.value;
    else if (s.name === `${family.name}_sum`) slot.sum = s.value;
    else throw new Error(`${family.name}: ${s.name} is no histogram sample`);
  }
  for (const [key, slot] of series) {
    const at = `${family.name}${key}`;
    if (slot.count === undefined || slot.sum === undefined) throw new Error(`${at}: no _count or _sum`);
    const last = slot.buckets.at(-1);
    if (last === undefined || last.le !== Number.POSITIVE_INFINITY) throw new Error(`${at}: no +Inf bucket last`);
    if (last.count !== slot.count) throw new Error(`${at}: the +Inf bucket is not _count`);
    slot.buckets.forEach((bucket, i) => {
      const before = slot.buckets[i - 1];
      if (before !== undefined && (bucket.le <= before.le || bucket.count < before.count)) throw new Error(`${at}: buckets not increasing and cumulative`);
    });
  }
}

/** The value of one series, or undefined when the scrape does not have it. */
export function sampleValue(
  families: ReadonlyMap<string, ParsedFamily>,
  family: string,
  sampleName: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const wanted = Object.entries(labels);
  return families
    .get(family)
    ?.samples.find((s) => s.name === sampleName && Object.keys(s.labels).length === wanted.length && wanted.every(([k, v]) => s.labels[k] === v))?.value;
}
