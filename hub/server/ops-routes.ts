import type { HealthResponse } from '../../domain/protocol/hub-bodies.js';
import { LAST_UPLOAD_BUCKET_NAMES } from '../storage/kiosk-census.js';
import type { Exchange, HubContext } from './hub-context.js';
import { HttpError, sendJson } from './http-responses.js';
import type { GaugeFamily } from './metrics-registry.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics-registry.js';

/** A storage that has not answered a trivial query in this long is unreachable, for a probe. */
export const HEALTH_STORAGE_TIMEOUT_MS = 2000;

/**
 * `GET /v1/health`, without credentials: up (it answers at all), the storage reachable (the
 * sequence read, a one-row query on either engine), and that sequence. 503 when the storage
 * fails or does not answer in time, so that a load balancer takes this process out.
 */
export async function handleHealth(hub: HubContext, exchange: Exchange): Promise<void> {
  const seq = await withinTime(hub.storage.currentSeq(), HEALTH_STORAGE_TIMEOUT_MS).catch(() => undefined);
  const health: HealthResponse = seq === undefined ? { status: 'storage-unreachable', storage: false, seq: null } : { status: 'ok', storage: true, seq };
  sendJson(exchange.response, seq === undefined ? 503 : 200, health, { 'Cache-Control': 'no-store' });
}

/**
 * `GET /metrics` (an admin token, like the admin API: the counts say how a deployment is
 * used): the process's counters (hub-metrics.ts) and, read now from storage, the sequence,
 * the people count and the kiosk census. Aggregates only: no kiosk id, no person.
 */
export async function handleMetrics(hub: HubContext, exchange: Exchange): Promise<void> {
  // An admin route refuses what it does not take (hub-routes.ts), rather than ignore a mistyped filter.
  const [name] = [...exchange.query.keys()];
  if (name !== undefined) throw new HttpError('bad-request', `unknown query parameter ${JSON.stringify(name.slice(0, 40))}: /metrics takes none`);
  // This process's latest sightings first, so a kiosk heard a moment ago counts as seen.
  await hub.sightings.flush();
  const [seq, people, census] = await Promise.all([hub.storage.currentSeq(), hub.storage.countPeople(), hub.storage.kioskCensus(hub.now())]);
  const gauges: GaugeFamily[] = [
    { name: 'chot_hub_sequence', help: 'The sequence of the last change set in storage.', samples: [{ labels: {}, value: seq }] },
    { name: 'chot_hub_people', help: 'People the hub holds identifiers and facts of.', samples: [{ labels: {}, value: people }] },
    {
      name: 'chot_hub_enrolled_kiosks',
      help: 'Enrolled kiosks, by state (revoked ones stay enrolled, refused).',
      samples: [
        { labels: { state: 'active' }, value: census.active },
        { labels: { state: 'revoked' }, value: census.revoked },
      ],
    },
    {
      name: 'chot_hub_kiosks_by_last_upload',
      help: 'Active kiosks by the age of the last upload the hub received from them: within 5m, 1h, 24h, 7d, older, or never.',
      samples: LAST_UPLOAD_BUCKET_NAMES.map((bucket) => ({ labels: { within: bucket }, value: census.lastUpload[bucket] })),
    },
    {
      name: 'chot_hub_kiosks_by_last_seen',
      help: 'Active kiosks by the age of the last signed request of any kind the hub received from them (sync, notify, upload): within 5m, 1h, 24h, 7d, older, or never.',
      samples: LAST_UPLOAD_BUCKET_NAMES.map((bucket) => ({ labels: { within: bucket }, value: census.lastSeen[bucket] })),
    },
  ];
  const body = Buffer.from(hub.metrics.render(gauges));
  exchange.response.writeHead(200, {
    'Content-Type': PROMETHEUS_CONTENT_TYPE,
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  exchange.response.end(body);
}

function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
