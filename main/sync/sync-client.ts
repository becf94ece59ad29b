import type { SyncPosition } from '../../domain/sync/chunk-stream-verifier.js';
import type { SyncKind } from '../../domain/sync/sync-chunk.js';
import { SyncError } from '../../domain/sync/sync-error.js';
import type { SignedRuleSetError } from '../../domain/rules/signed-rule-set.js';
import { frameChunks } from './chunk-framer.js';
import type { ChunkDownload, HubClient } from '../hub-client/hub-client.js';
import { HubError, isHubError } from '../hub-client/hub-error.js';
import { deltaEtag } from '../../domain/protocol/hub-headers.js';
import type { ApplyOptions, ApplyResult } from './sync-applier.js';
import { messageOf } from '../../platform/message-of.js';
import type { TrustFileInstaller } from '../trust/trust-file-store.js';
import type { HubClockResult } from './hub-time-check.js';

/** What syncOnce needs of the applier: SyncApplier, or a test double. */
export interface SyncApplierPort {
  position(): Promise<SyncPosition>;
  applySnapshot(chunks: AsyncIterable<Uint8Array>, options?: ApplyOptions): Promise<ApplyResult>;
  applyDelta(chunks: AsyncIterable<Uint8Array>, options?: ApplyOptions): Promise<ApplyResult>;
  /** Records a sync that brought nothing new (the data age restarts) if the watermark is still `seq`. */
  confirmCurrent(seq: number): Promise<boolean>;
}

/** Where rule sets go: RuleSetRepository, which checks each signature before writing it. */
export interface RuleSetInstaller {
  install(document: unknown): { ok: true; file: string } | { ok: false; error: SignedRuleSetError };
}

export interface SyncTarget {
  readonly hub: Pick<HubClient, 'snapshot' | 'delta' | 'rules' | 'trust'>;
  readonly applier: SyncApplierPort;
  readonly rules: RuleSetInstaller;
  /** Where hub-signed trust files go: TrustFileStore, which checks signature, kind and version first. */
  readonly trust: TrustFileInstaller;
}

export interface SyncProgress {
  readonly kind: SyncKind;
  /** The chunk just verified (and, for a snapshot, committed). */
  readonly index: number;
  /** The stream's chunk count, when the hub said (snapshots). */
  readonly totalChunks?: number;
}

export interface SyncOnceOptions {
  readonly signal?: AbortSignal;
  /** The rules ETag of the last sync: unchanged rules then cost a 304. */
  readonly rulesEtag?: string;
  /** The trust files' ETag of the last sync, likewise. */
  readonly trustEtag?: string;
  readonly onProgress?: (progress: SyncProgress) => void;
}

export interface AppliedStream {
  readonly kind: SyncKind;
  /** The sequence the data is complete up to after it. */
  readonly toSeq: number;
  readonly records: number;
  readonly chunks: number;
  /** The chunk a resumed snapshot continued from (absent when it started at 0). */
  readonly resumedFrom?: number;
}

export interface RuleSetRefusal {
  /** `id@version`, when the document names them. */
  readonly name?: string;
  readonly code: string;
  readonly message: string;
}

export interface TrustFileInstalled {
  readonly kind: string;
  readonly version: number;
  /** The file written, e.g. `<data>/trust/csca/hub-csca-list.pem`. */
  readonly file: string;
}

export interface TrustFileRefusal {
  /** The document's kind and version, when it names them. */
  readonly kind?: string;
  readonly version?: number;
  readonly code: string;
  readonly message: string;
}

export interface SyncSummary {
  /** What was applied, in order: e.g. a snapshot and then the delta that made it current. */
  readonly applied: readonly AppliedStream[];
  readonly records: number;
  readonly watermark: number;
  /** The hub had nothing newer than the data this sync ended with. */
  readonly upToDate: boolean;
  /** The data age restarted: something was applied, or the hub confirmed the data current. */
  readonly confirmed: boolean;
  /** Files written into `rules/`. */
  readonly rulesInstalled: readonly string[];
  readonly rulesRefused: readonly RuleSetRefusal[];
  /** For the next sync's `rulesEtag`; absent after a refusal, so the refusal is reported again. */
  readonly rulesEtag?: string;
  /** Trust files installed in this sync (a version the kiosk already held is not listed). */
  readonly trustInstalled: readonly TrustFileInstalled[];
  readonly trustRefused: readonly TrustFileRefusal[];
  /** For the next sync's `trustEtag`; absent after a refusal, as for rules. */
  readonly trustEtag?: string;
  /** What became of the hub's signed clock asked for after the sync (KioskSync: docs/clock.md). */
  readonly hubClock?: HubClockResult;
}

/**
 * One sync with the hub, in the order of docs/hub-api.md ("The kiosk's side"):
 *   1. a snapshot in progress is resumed from the applier's cursor (`snapshot-gone`: the
 *      newest from 0); a kiosk with no data (watermark 0) fetches the newest snapshot;
 *   2. a delta since the watermark — after a snapshot too, to become current. `304` (or an
 *      empty delta, which the applier records) confirms the data current; `delta-too-large`
 *      (or a delta above the applier's limit) → a snapshot instead;
 *   3. the rule sets, each installed only if its signature verifies;
 *   4. the trust files (docs/trust-files.md), each installed only if its signature verifies,
 *      its kind is known and it is not older than the one installed.
 *
 * Throws: a SyncError when the applier refuses a chunk (nothing of that stream is
 * applied; the next sync starts afresh from what the database says), a HubError when the
 * hub is unreachable or refuses (`ahead-of-hub` with a message for the operator).
 */
export async function syncOnce(target: SyncTarget, options: SyncOnceOptions = {}): Promise<SyncSummary> {
  const { hub, applier } = target;
  const { signal } = options;
  const applied: AppliedStream[] = [];
  const position = await applier.position();
  let watermark = position.watermark;
  let upToDate = false;
  let confirmed = false;

  const snapshot = async (seq?: number, from?: number): Promise<void> => {
    stopIfAborted(signal);
    const download = await hub.snapshot({
      ...(seq === undefined ? {} : { seq }),
      ...(from === undefined || from === 0 ? {} : { from }),
      ...(signal === undefined ? {} : { signal }),
    });
    const result = await applier.applySnapshot(frameChunks(download.body), {
      ...progress('snapshot', download, options),
      ...(download.placement === undefined ? {} : { placement: download.placement }),
    });
    watermark = result.watermark;
    applied.push({
      kind: 'snapshot',
      toSeq: result.watermark,
      records: result.records,
      chunks: result.chunks,
      ...(result.startedAt > 0 ? { resumedFrom: result.startedAt } : {}),
    });
  };

  /** A delta since the watermark; false when the hub (or the applier) wants a snapshot instead. */
  const delta = async (): Promise<boolean> => {
    stopIfAborted(signal);
    const since = watermark;
    let download: ChunkDownload;
    try {
      download = await hub.delta(since, { ifNoneMatch: deltaEtag(since, since), ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      if (isHubError(error, 'delta-too-large')) return false;
      if (isHubError(error, 'ahead-of-hub')) throw aheadOfHub(error, since);
      throw error;
    }
    if (download.status === 304) {
      upToDate = true;
      // The hub's "nothing new since `since`": the data age restarts (false if another apply moved the watermark meanwhile).
      confirmed = (await applier.confirmCurrent(since)) || confirmed;
      return true;
    }
    let result: ApplyResult;
    try {
      result = await applier.applyDelta(frameChunks(download.body), progress('delta', download, options));
    } catch (error) {
      if (error instanceof SyncError && error.code === 'sync.too-large') return false;
      throw error;
    }
    watermark = result.watermark;
    // An empty delta (F = T) is the hub's signed "nothing new": the applier has recorded it.
    confirmed = true;
    upToDate = result.records === 0;
    if (result.records > 0 || result.watermark > since)
      applied.push({ kind: 'delta', toSeq: result.watermark, records: result.records, chunks: result.chunks });
    return true;
  };

  const resume = position.snapshotInProgress;
  if (resume !== undefined) {
    try {
      await snapshot(resume.toSeq, resume.nextIndex);
    } catch (error) {
      if (!isHubError(error, 'snapshot-gone')) throw error;
      await snapshot();
    }
  } else if (watermark === 0) {
    await snapshot();
  }
  if (applied.length > 0) confirmed = true;
  if (!(await delta())) {
    // One fallback snapshot per sync: a hub still saying "too large" right after it is
    // racing an import, and the next sync (a delta) catches up.
    if (applied.some((stream) => stream.kind === 'snapshot'))
      throw new HubError('delta-too-large', 409, 'the hub moved on by too many changes while the snapshot was fetched; the next sync continues');
    await snapshot();
    confirmed = true;
    await delta();
  }

  stopIfAborted(signal);
  const rules = await syncRules(target, options);
  stopIfAborted(signal);
  const trust = await syncTrust(target, options);
  return { applied, records: applied.reduce((sum, stream) => sum + stream.records, 0), watermark, upToDate, confirmed, ...rules, ...trust };
}

async function syncRules(target: SyncTarget, options: SyncOnceOptions): Promise<Pick<SyncSummary, 'rulesInstalled' | 'rulesRefused' | 'rulesEtag'>> {
  const answer = await target.hub.rules({
    ...(options.rulesEtag === undefined ? {} : { ifNoneMatch: options.rulesEtag }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (answer.status === 304) return { rulesInstalled: [], rulesRefused: [], ...(options.rulesEtag === undefined ? {} : { rulesEtag: options.rulesEtag }) };
  const installed: string[] = [];
  const refused: RuleSetRefusal[] = [];
  for (const document of answer.ruleSets) {
    const name = ruleSetName(document);
    try {
      const result = target.rules.install(document);
      if (result.ok) installed.push(result.file);
      else refused.push({ ...(name === undefined ? {} : { name }), code: result.error.code, message: result.error.message.en });
    } catch (error) {
      // A set that cannot be written (disk full, permissions) must not stop the others.
      refused.push({ ...(name === undefined ? {} : { name }), code: 'rules.unwritable', message: messageOf(error) });
    }
  }
  return { rulesInstalled: installed, rulesRefused: refused, ...(refused.length === 0 && answer.etag !== undefined ? { rulesEtag: answer.etag } : {}) };
}

async function syncTrust(target: SyncTarget, options: SyncOnceOptions): Promise<Pick<SyncSummary, 'trustInstalled' | 'trustRefused' | 'trustEtag'>> {
  const unchanged = { trustInstalled: [], trustRefused: [], ...(options.trustEtag === undefined ? {} : { trustEtag: options.trustEtag }) };
  let answer;
  try {
    answer = await target.hub.trust({
      ...(options.trustEtag === undefined ? {} : { ifNoneMatch: options.trustEtag }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    // A hub older than trust files has no such route: it publishes none, and the sync is whole without them.
    if (isHubError(error, 'not-found')) return { trustInstalled: [], trustRefused: [] };
    throw error;
  }
  if (answer.status === 304) return unchanged;
  const installed: TrustFileInstalled[] = [];
  const refused: TrustFileRefusal[] = [];
  for (const document of answer.trustFiles) {
    const named = trustFileName(document);
    const result = target.trust.install(document);
    if (!result.ok)
      refused.push({
        ...named,
        code: result.error.code,
        message: `${result.error.message.en}${result.error.detail === undefined ? '' : `: ${result.error.detail}`}`,
      });
    else if (result.changed) installed.push({ kind: result.kind, version: result.version, file: result.file });
  }
  return { trustInstalled: installed, trustRefused: refused, ...(refused.length === 0 && answer.etag !== undefined ? { trustEtag: answer.etag } : {}) };
}

function trustFileName(document: unknown): { kind?: string; version?: number } {
  const fields = (typeof document === 'object' && document !== null ? document : {}) as { kind?: unknown; version?: unknown };
  return {
    ...(typeof fields.kind === 'string' ? { kind: fields.kind } : {}),
    ...(Number.isSafeInteger(fields.version) ? { version: fields.version as number } : {}),
  };
}

function progress(kind: SyncKind, download: ChunkDownload, options: SyncOnceOptions): ApplyOptions {
  const report = options.onProgress;
  if (report === undefined) return {};
  return { onChunk: (chunk) => report({ kind, index: chunk.index, ...(download.totalChunks === undefined ? {} : { totalChunks: download.totalChunks }) }) };
}

function ruleSetName(document: unknown): string | undefined {
  const ruleSet = (document as { ruleSet?: { id?: unknown; version?: unknown } } | null)?.ruleSet;
  return typeof ruleSet?.id === 'string' && typeof ruleSet.version === 'string' ? `${ruleSet.id}@${ruleSet.version}` : undefined;
}

function aheadOfHub(error: HubError, watermark: number): HubError {
  return new HubError(
    'ahead-of-hub',
    error.status,
    `this kiosk has data up to sequence ${watermark}, newer than the hub's — the hub was probably restored from an older backup. ` +
      `The kiosk keeps its data and will not take older data over it: an operator must check the hub (${error.message})`,
  );
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new HubError('aborted', 0, 'the sync was stopped');
}
