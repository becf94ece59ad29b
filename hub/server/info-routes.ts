import { createHash } from 'node:crypto';
import { listPublishedRuleSets } from '../rules/rule-publisher.js';
import { listPublishedTrustFiles } from '../trust/trust-publisher.js';
import type { Exchange, HubContext } from './hub-context.js';
import { matchesEtag, sendJson, sendNotModified } from './http-responses.js';
import type { RulesResponse, StatusResponse, TrustResponse } from '../../domain/protocol/hub-bodies.js';
import { HUB_HEADERS } from '../../domain/protocol/hub-headers.js';

/** `GET /v1/status`: the sequence, the newest downloadable snapshot, the key, the hub's clock. */
export async function handleStatus(hub: HubContext, exchange: Exchange): Promise<void> {
  const seq = await hub.storage.currentSeq();
  hub.watcher.observe(seq);
  const status: StatusResponse = { seq, snapshotSeq: hub.snapshots.newest()?.seq ?? null, hubKeyId: hub.key.keyId, serverTime: hub.now() };
  sendJson(exchange.response, 200, status);
}

/**
 * `GET /v1/rules`: every published rule set, as `chot hub rules publish` wrote them. Read
 * from disk on each request — a few small files — so a set published by the CLI (another
 * process) is served at once; the ETag is over the content, so polls cost a 304.
 */
export async function handleRules(hub: HubContext, exchange: Exchange): Promise<void> {
  const value: RulesResponse = { ruleSets: listPublishedRuleSets(hub.dataDir) };
  sendPublished(exchange, 'rules', value);
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
  const etag = `"${name}-${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32)}"`;
  if (matchesEtag(exchange.request, etag)) {
    sendNotModified(exchange.response, etag);
    return;
  }
  sendJson(exchange.response, 200, value, { [HUB_HEADERS.etag]: etag });
}
