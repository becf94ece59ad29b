import type { EntryStore } from '../../../hub/entries/entry-store.js';
import { percentile, round } from '../bench-types.js';
import type { figureCollector } from './figures.js';
import { seededPersonId, type SeededEntries } from './hub-entry-seed.js';

/** An investigator's trace answers within a second at ten million entries. */
export const TRACE_GOAL_P99_MS = 1_000;
const DAY_MS = 86_400_000;
/** ± 30 min at the same place: the window an investigator would start with. */
const WINDOW_MS = 30 * 60_000;
/** The last two weeks of the seeded three: an incubation period. */
const TRACE_DAYS = 14;

export interface TraceRun {
  readonly ms: number[];
  readonly visits: number[];
  readonly contacts: number[];
}

/** Traces each person in turn through the store's own trace (visits, then contacts per visit). */
export async function traceAll(store: EntryStore, seeded: SeededEntries, people: readonly number[]): Promise<TraceRun> {
  const run: TraceRun = { ms: [], visits: [], contacts: [] };
  const toMs = seeded.startMs + seeded.days * DAY_MS;
  for (const person of people) {
    const t = performance.now();
    const places = await store.trace({ personId: seededPersonId(person), fromMs: toMs - TRACE_DAYS * DAY_MS, toMs, windowMs: WINDOW_MS });
    run.ms.push(performance.now() - t);
    run.visits.push(places.length);
    run.contacts.push(places.reduce((sum, place) => sum + place.contacts.length, 0));
  }
  return run;
}

type Figure = ReturnType<typeof figureCollector>['figure'];

/** p50, p99 (with the goal when `goal`) and max of one pass of traces. */
export function reportLatency(figure: Figure, label: string, run: TraceRun, goal: boolean): void {
  const p99 = percentile(run.ms, 99);
  figure(`${label}: trace p50`, round(percentile(run.ms, 50), 1), 'ms', undefined, run.ms.length);
  figure(`${label}: trace p99`, round(p99, 1), 'ms', goal ? { text: '≤ 1 s', met: p99 <= TRACE_GOAL_P99_MS } : undefined, run.ms.length);
  figure(`${label}: trace max`, round(Math.max(...run.ms), 1), 'ms', undefined, run.ms.length);
}

/** What the traces returned: how much work a trace is on this data. */
export function reportShape(figure: Figure, run: TraceRun): void {
  const n = run.ms.length;
  figure(`visits per trace p50 / max (${TRACE_DAYS} days)`, percentile(run.visits, 50), `/ ${Math.max(...run.visits)} visits`, undefined, n);
  figure('contacts per trace p50 (± 30 min, same location)', percentile(run.contacts, 50), 'contacts', undefined, n);
  figure('contacts per trace p99', percentile(run.contacts, 99), 'contacts', undefined, n);
  figure('contacts per trace max', Math.max(...run.contacts), 'contacts', undefined, n);
}
