import { createHash } from 'node:crypto';
import { listPublishedRuleSets } from '../rules/rule-publisher.js';
import { listPublishedTrustFiles } from '../trust/trust-publisher.js';
import type { Exchange, HubContext } from './hub-context.js';
import { storedSnapshotFor } from './stored-snapshot-route.js';
import { matchesEtag, sendJson, sendNotModified } from './http-responses.js';
import type { RulesResponse, StatusResponse, TrustResponse } from '../../domain/protocol/hub-bodies.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';
import { canonicalHubTime, type HubTime, type SignedHubTime } from '../../domain/protocol/hub-time.js';
import { canonicalScope, type ScopeStatement, type SignedScope } from '../../domain/sync/province-scope.js';

/** `GET /v1/status`: the sequence, the newest downloadable snapshot, the key, the hub's clock. */
export async function handleStatus(hub: HubContext, exchange: Exchange): Promise<void> {
  const seq = await hub.storage.currentSeq();
  hub.watcher.observe(seq);
  const serverTime = hub.now();
  const stored = await storedSnapshotFor(hub, undefined);
  // The store holds the whole ID space's streams: a scoped kiosk is not sent there (the API scopes them for it).
  const location = exchange.device?.scope === undefined ? hub.artefacts?.location : undefined;
  const status: StatusResponse = {
    seq,
    snapshotSeq: stored?.seq ?? hub.snapshots.newest()?.seq ?? null,
    hubKeyId: hub.key.keyId,
    serverTime,
    ...(location === undefined ? {} : { artefacts: location }),
    // The route is signed by a device: the kiosk judges its clock by this (docs/clock.md).
    ...(exchange.device === undefined
      ? {}
      : {
          signedTime: signHubTime(hub, { kioskId: exchange.device.deviceId, issuedAt: serverTime, hubKeyId: hub.key.keyId }),
          // What the kiosk syncs, signed for it: it asks the hub about anyone outside (person-facts-route.ts).
          signedScope: signScope(hub, {
            kioskId: exchange.device.deviceId,
            provinces: exchange.device.scope ?? null,
            issuedAt: serverTime,
            hubKeyId: hub.key.keyId,
          }),
        }),
  };
  sendJson(exchange.response, 200, status);
}

function signScope(hub: HubContext, scope: ScopeStatement): SignedScope {
  return { scope, signature: Buffer.from(hub.key.sign(canonicalScope(scope))).toString('base64url') };
}

function signHubTime(hub: HubContext, time: HubTime): SignedHubTime {
  return { time, signature: Buffer.from(hub.key.sign(canonicalHubTime(time))).toString('base64url') };
}

/**
 * `GET /v1/rules`: every published rule set, as `chot hub rules publish` wrote them. Read
 * from disk on each request — a few small files — so a set published by the CLI (another
 * process) is served at once; the ETag is over the content, so polls cost a 304.
 */
export async function handleRules(hub: HubContext, exchange: Exchange): Promise<void> {
  sendPublished(exchange, 'rules', publishedRules(hub.dataDir));
}

function publishedRules(dataDir: string): RulesResponse {
  return { ruleSets: listPublishedRuleSets(dataDir) };
}

/** The ETag `GET /v1/rules` answers with now: what the rule-set notice carries (rules-watcher.ts). */
export function publishedRulesEtag(dataDir: string): string {
  return publishedEtag('rules', publishedRules(dataDir));
}

/**
 * `GET /v1/trust`: every published trust file (one per kind), as `chot hub trust import`
 * wrote them; read from disk on each request like the rule sets, with an ETag over the content.
 */
export async function handleTrust(hub: HubContext, exchange: Exchange): Promise<void> {
  const value: TrustResponse = { trustFiles: listPublishedTrustFiles(hub.dataDir) };
  sendPublished(exchange, 'trust', value);
}

/** A published document list, or 304 when the kiosk's ETag names this content. */
function sendPublished(exchange: Exchange, name: string, value: object): void {
  const etag = publishedEtag(name, value);
  if (matchesEtag(exchange.request, etag)) {
    sendNotModified(exchange.response, etag);
    return;
  }
  sendJson(exchange.response, 200, value, { [HUB_HEADERS.etag]: etag });
}

/** Over the content, so the same documents always have the same ETag, whichever hub process serves them. */
function publishedEtag(name: string, value: object): string {
  return `"${name}-${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}"`;
}
