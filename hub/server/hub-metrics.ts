import type { HubRouteName } from '../../domain/protocol/hub-routes.js';
import { MetricsRegistry, type Counter, type GaugeFamily, type Histogram } from './metrics-registry.js';

/** The route label of a request: a route of the API, or `unknown` (never the path sent, which may carry anything). */
export type RouteLabel = HubRouteName | 'unknown';

/** Snapshot builds take from under a second (an empty hub) to many minutes (millions of people). */
const SNAPSHOT_BUILD_BUCKETS_SECONDS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

/**
 * What the hub counts while it runs (in this process, from its start): requests, their
 * latencies, uploaded entries and snapshot builds. What it has in storage (kiosks, the
 * sequence) is read at each scrape instead (metrics-route.ts). No label carries a person's
 * or a request's data: routes by name, statuses, results.
 */
export class HubMetrics {
  private readonly registry = new MetricsRegistry();
  private readonly requests: Counter = this.registry.counter(
    'chot_hub_requests_total',
    'HTTP requests answered, by route (unknown: a path the hub does not serve) and status (aborted: the client left before the answer ended).',
    ['route', 'status'],
  );
  private readonly requestSeconds: Histogram = this.registry.histogram(
    'chot_hub_request_duration_seconds',
    "Time from a request to the last byte of its answer, by route: status, snapshot and delta are a kiosk's sync; entries its upload.",
    ['route'],
  );
  private readonly ingestSeconds: Histogram = this.registry.histogram(
    'chot_hub_ingest_duration_seconds',
    'Time to verify and store one uploaded batch of entries in the storage (after it is decoded).',
  );
  private readonly entries: Counter = this.registry.counter(
    'chot_hub_entries_ingested_total',
    'Uploaded entries, by result: accepted (stored, flagged ones included) or duplicate (already held).',
    ['result'],
  );
  private readonly snapshotBuilds: Histogram = this.registry.histogram(
    'chot_hub_snapshot_build_seconds',
    'Time to build one full snapshot.',
    [],
    SNAPSHOT_BUILD_BUCKETS_SECONDS,
  );

  requestAnswered(route: RouteLabel, status: string, seconds: number): void {
    this.requests.inc({ route, status });
    this.requestSeconds.observe({ route }, seconds);
  }

  batchIngested(accepted: number, duplicates: number, seconds: number): void {
    this.entries.inc({ result: 'accepted' }, accepted);
    this.entries.inc({ result: 'duplicate' }, duplicates);
    this.ingestSeconds.observe({}, seconds);
  }

  snapshotBuilt(buildMs: number): void {
    this.snapshotBuilds.observe({}, buildMs / 1000);
  }

  /** The exposition, with the gauges read from storage for this scrape. */
  render(gauges: readonly GaugeFamily[]): string {
    return this.registry.render(gauges);
  }
}
