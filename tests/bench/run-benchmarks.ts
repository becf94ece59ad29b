// `npm run bench [-- NAME…]`: runs the benchmarks, prints a table, and writes
// tests/bench/results/latest.json with the machine they ran on. Benchmarks measure;
// they never fail a test run (speed targets are not unit tests).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromiumPath } from '../support/chromium.js';
import { repoRoot } from '../support/kiosk-process.js';
import { round, type Benchmark, type BenchFigure } from './bench-types.js';
import { cameraDecode } from './camera-decode.bench.js';
import { chipRead } from './chip-read.bench.js';
import { certlogicEval } from './certlogic-eval.bench.js';
import { credentialParse } from './credential-parse.bench.js';
import { encryption } from './encryption.bench.js';
import { entryLog } from './entry-log.bench.js';
import { entryUpload } from './entry-upload.bench.js';
import { faceDecode } from './face-decode.bench.js';
import { hubIngest } from './hub-ingest.bench.js';
import { hubPolling } from './hub-polling.bench.js';
import { hubScaleOut } from './hub-scale-out.bench.js';
import { hubTracePg } from './hub-trace-pg.bench.js';
import { hubTrace } from './hub-trace.bench.js';
import { kioskStore } from './kiosk-store.bench.js';
import { ruleSetEval } from './rule-set-eval.bench.js';
import { scanToPaint } from './scan-to-paint.bench.js';
import { serialLatency } from './serial-latency.bench.js';
import { snapshotMerge } from './snapshot-merge.bench.js';
import { syncEndToEnd } from './sync-end-to-end.bench.js';

const BENCHMARKS: readonly Benchmark[] = [
  scanToPaint,
  credentialParse,
  ruleSetEval,
  certlogicEval,
  kioskStore,
  syncEndToEnd,
  hubPolling,
  snapshotMerge,
  hubScaleOut,
  entryLog,
  encryption,
  hubIngest,
  hubTrace,
  hubTracePg,
  entryUpload,
  serialLatency,
  cameraDecode,
  chipRead,
  faceDecode,
];

function machine() {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // the table still says which machine; only the browser version is missing
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium,
  };
}

function printTable(figures: readonly BenchFigure[]): void {
  const rows = figures.map((f) => [
    f.benchmark,
    f.metric,
    `${f.value} ${f.unit}`,
    f.samples === undefined ? '' : String(f.samples),
    f.goal === undefined ? '' : `${f.goal.text} ${f.goal.met ? 'met' : 'NOT MET'}`,
  ]);
  const header = ['benchmark', 'metric', 'value', 'samples', 'goal'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

async function main(names: readonly string[]): Promise<number> {
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
  if (selected.length === 0) {
    process.stderr.write(`no benchmark named ${names.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const figures: BenchFigure[] = [];
  // Other work on the machine skews timings (the sync benchmarks use every core): the
  // 1-minute load average before and after each benchmark says whether there was any.
  const load = new Map<string, { before: number; after: number }>();
  for (const benchmark of selected) {
    process.stderr.write(`running ${benchmark.name}: ${benchmark.description}\n`);
    const before = round(loadavg()[0] ?? 0);
    figures.push(...(await benchmark.run()));
    load.set(benchmark.name, { before, after: round(loadavg()[0] ?? 0) });
  }
  const run = { ranAt: new Date().toISOString(), machine: machine() };
  printTable(figures);
  process.stdout.write(`machine: ${JSON.stringify(run.machine)}\n`);
  for (const [name, { before, after }] of load) process.stdout.write(`load average (1 min) around ${name}: ${before} before, ${after} after\n`);
  // One entry per benchmark, so running a few of them keeps the others' last figures.
  const dir = join(repoRoot(), 'tests', 'bench', 'results');
  const file = join(dir, 'latest.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { benchmarks?: Record<string, unknown> }) : {};
  const benchmarks: Record<string, unknown> = { ...(previous.benchmarks ?? {}) };
  for (const benchmark of selected)
    benchmarks[benchmark.name] = { ...run, loadAverage1m: load.get(benchmark.name), figures: figures.filter((f) => f.benchmark === benchmark.name) };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ benchmarks }, null, 2)}\n`);
  process.stdout.write(`written: tests/bench/results/latest.json\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
