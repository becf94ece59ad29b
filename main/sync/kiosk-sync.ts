import { existsSync } from 'node:fs';
import { loadDeviceIdentity, DEVICE_KEY_FILE } from '../hub-client/device-identity.js';
import { loadHubConfig, type HubConfig } from '../hub-client/hub-config.js';
import { RuleSetRepository } from '../rules/rule-set-repository.js';
import { FactsStore } from '../store/facts-store.js';
import type { AtRestKey } from '../store/at-rest-key.js';
import { openKioskSqlite } from '../store/sqlite-database.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { readPinnedHubKeys } from '../trust/hub-keys-file.js';
import { TrustFileStore, type TrustFileInstaller } from '../trust/trust-file-store.js';
import { HubClient, type HubClientOptions } from '../hub-client/hub-client.js';
import { SyncApplier } from './sync-applier.js';
import { syncOnce, type RuleSetInstaller, type SyncOnceOptions, type SyncSummary, type SyncTarget } from './sync-client.js';
import { ArtefactFetcher, type ArtefactFetcherOptions } from './artefact-fetcher.js';
import { artefactHub } from './artefact-hub.js';
import { checkArtefactLocation } from '../../domain/sync/artefact-index.js';
import type { StatusResponse } from '../../domain/protocol/hub-bodies.js';
import { createLogger, type Logger } from '../../platform/logging/logger.js';
import { SyncLoop, type SyncLoopOptions } from './sync-loop.js';
import { checkHubTime, type HubClockResult } from './hub-time-check.js';
import { checkSignedScope } from './scope-check.js';
import type { ProvinceScope } from '../../domain/sync/province-scope.js';
import type { HubKeyStore } from '../../domain/credentials/verification.js';

export interface KioskSyncOptions {
  readonly dataDir: string;
  /** The SQLite file holding the people's facts, which the applier writes. */
  readonly factsDatabaseFile: string;
  /** The key facts.sqlite is encrypted with; absent: not encrypted. */
  readonly atRestKey?: AtRestKey;
  /** Instead of hub.json's URL (e.g. the hub moved). */
  readonly hubUrl?: string;
  /** Where rule sets are installed: pass the kiosk's own RuleSetRepository so it reloads at once. */
  readonly rules?: RuleSetInstaller;
  /** The applier's worker script (tests run sources and pass a bundled one). */
  readonly workerUrl?: URL;
  /** Timeouts and fetch. */
  readonly client?: Omit<HubClientOptions, 'url' | 'identity'>;
  /**
   * Told the hub's signed clock, checked, after each sync (the core judges its clock by it:
   * docs/clock.md), with the kiosk clock (`now`, default Date.now) when it arrived.
   */
  readonly hubTime?: (heard: { readonly issuedAt: number; readonly receivedAt: number }) => void;
  /** Told the provinces this kiosk syncs (null: every one), as the hub signed them at each sync: the person lookup asks about anyone outside. */
  readonly hubScope?: (scope: ProvinceScope) => void;
  readonly now?: () => number;
  /** Where a fallback from the artefact store to the hub's API is said (default: nowhere). */
  readonly logger?: Logger;
  /** Timeouts and fetch for the artefact store (its GETs are plain, unsigned). */
  readonly artefactFetch?: ArtefactFetcherOptions;
}

/**
 * Everything one enrolled kiosk syncs with: its hub (hub.json), device identity, pinned
 * keys, the applier on its facts database and its rule sets. `chot sync` runs `syncOnce`;
 * `chot start` runs `startLoop` and shows `loop.status()`.
 */
export class KioskSync {
  private rulesEtag: string | undefined;
  /** The rule sets' ETag the hub last announced on its notice socket. */
  private announcedRulesEtag: string | undefined;
  private trustEtag: string | undefined;
  /**
   * The artefact store the hub names, signed, in its status answer (docs/hub-api.md,
   * "Artefacts"): learnt before the first sync and again at the end of each.
   */
  private artefacts: ArtefactFetcher | undefined;
  private artefactsAsked = false;

  private constructor(
    readonly hub: HubConfig,
    readonly client: HubClient,
    readonly applier: SyncApplier,
    private readonly rules: RuleSetInstaller,
    private readonly trust: TrustFileInstaller,
    private readonly factsDatabaseFile: string,
    private readonly clock: { readonly deviceId: string; readonly keys: HubKeyStore; readonly options: KioskSyncOptions },
  ) {}

  /** Undefined when the kiosk is not enrolled (no hub.json); throws when its enrolment is damaged. */
  static async open(options: KioskSyncOptions): Promise<KioskSync | undefined> {
    const hub = loadHubConfig(options.dataDir);
    if (hub === undefined) return undefined;
    const identity = loadDeviceIdentity(options.dataDir);
    if (identity === undefined) throw new Error(`hub.json names a hub but the device key (${DEVICE_KEY_FILE}) or id is missing: enrol again`);
    const hubKeys = readPinnedHubKeys(options.dataDir);
    if (hubKeys.length === 0) throw new Error('no hub key is pinned (trust/hub-keys.json): enrol again, or pin it with `chot trust hub-key`');
    const client = new HubClient({ ...options.client, url: options.hubUrl ?? hub.url, identity });
    const rules = options.rules ?? new RuleSetRepository(options.dataDir, hubKeyStoreFromKeys(hubKeys));
    const trust = new TrustFileStore(options.dataDir, hubKeyStoreFromKeys(hubKeys));
    const applier = await SyncApplier.open({
      factsDatabaseFile: options.factsDatabaseFile,
      hubKeys,
      ...(options.atRestKey === undefined ? {} : { atRestKey: options.atRestKey }),
      ...(options.workerUrl === undefined ? {} : { workerUrl: options.workerUrl }),
    });
    return new KioskSync(hub, client, applier, rules, trust, options.factsDatabaseFile, {
      deviceId: identity.deviceId,
      keys: hubKeyStoreFromKeys(hubKeys),
      options,
    });
  }

  /** One sync; the rules' and trust files' ETags are remembered for the next. */
  async syncOnce(options: Omit<SyncOnceOptions, 'rulesEtag' | 'trustEtag'> = {}): Promise<SyncSummary> {
    if (!this.artefactsAsked) {
      // The first sync is the big one (a whole snapshot): learn where the store is before it.
      try {
        this.hearArtefacts(await this.client.status(options.signal));
      } catch {
        // The sync itself says what is wrong with the hub.
      }
    }
    const summary = await syncOnce(
      { hub: this.chunkSource(), applier: this.applier, rules: this.rules, trust: this.trust },
      {
        ...options,
        ...(this.rulesEtag === undefined ? {} : { rulesEtag: this.rulesEtag }),
        ...(this.trustEtag === undefined ? {} : { trustEtag: this.trustEtag }),
      },
    );
    this.rulesEtag = summary.rulesEtag;
    this.trustEtag = summary.trustEtag;
    return { ...summary, hubClock: await this.hearHubClock(options.signal) };
  }

  /**
   * Every sync ends by asking the hub's signed clock (`GET /v1/status`): the witness the
   * kiosk judges its own clock by even when nothing else changed. A time that does not check
   * is not heard; the sync itself stands either way.
   */
  private async hearHubClock(signal: AbortSignal | undefined): Promise<HubClockResult> {
    const { deviceId, keys, options } = this.clock;
    let answer;
    try {
      answer = await this.client.status(signal);
    } catch {
      return 'unanswered';
    }
    const receivedAt = (options.now ?? Date.now)();
    this.hearArtefacts(answer);
    const scope = checkSignedScope(answer.signedScope, deviceId, keys);
    if (scope !== undefined) options.hubScope?.(scope);
    const check = checkHubTime(answer.signedTime, deviceId, keys);
    if (!check.ok) return check.why;
    options.hubTime?.({ issuedAt: check.time.issuedAt, receivedAt });
    return 'heard';
  }

  /** Snapshots and deltas from the artefact store when the hub names one, falling back to the API. */
  private chunkSource(): SyncTarget['hub'] {
    const client = this.client;
    if (this.artefacts === undefined) return client;
    const routes = artefactHub(client, this.artefacts, this.log);
    return { snapshot: routes.snapshot, delta: routes.delta, rules: (options) => client.rules(options), trust: (options) => client.trust(options) };
  }

  /** The store named in a status answer, if signed by a pinned hub key; a hub that names none (any more) is used directly. */
  private hearArtefacts(answer: StatusResponse): void {
    this.artefactsAsked = true;
    const base = answer.artefacts === undefined ? undefined : checkArtefactLocation(answer.artefacts, this.clock.keys);
    if (answer.artefacts !== undefined && base === undefined)
      this.log.warn("artefacts: the hub's artefact location is not signed by a pinned hub key: ignored");
    if (base === this.artefacts?.base) return;
    this.artefacts = base === undefined ? undefined : new ArtefactFetcher(base, this.clock.keys, this.clock.options.artefactFetch);
    if (base !== undefined) this.log.info(`artefacts: snapshots and deltas are fetched from ${base}`);
  }

  private get log(): Logger {
    return this.clock.options.logger ?? SILENT;
  }

  /**
   * Starts the continuous sync; stop it (`loop.stop()`) before `close()`. `onHubBack` is
   * told each time the notice socket connects again (the hub is back after an outage), for
   * what else waits on the hub: the entry upload resumes at once too.
   */
  async startLoop(
    options: Omit<SyncLoopOptions, 'runSync' | 'subscribe' | 'readWatermark' | 'watermark' | 'outdated'> & { readonly onHubBack?: () => void } = {},
  ): Promise<SyncLoop> {
    const { watermark } = await this.applier.position();
    const { onHubBack, ...loopOptions } = options;
    const loop = new SyncLoop({
      ...loopOptions,
      watermark,
      runSync: (signal) => this.syncOnce({ signal }),
      subscribe: (listener) =>
        this.client.notify(listener.seq, {
          onConnection: (connected) => {
            listener.connection(connected);
            if (connected) onHubBack?.();
          },
          onRules: (etag) => {
            this.announcedRulesEtag = etag;
            if (etag !== this.rulesEtag) listener.changed();
          },
        }),
      outdated: () => this.announcedRulesEtag !== undefined && this.announcedRulesEtag !== this.rulesEtag,
      readWatermark: async () => (await this.applier.position()).watermark,
    });
    loop.start();
    return loop;
  }

  /** When the facts were last confirmed current (epoch ms), for "data age". */
  lastSyncedAt(): number | undefined {
    return readLastSyncedAt(this.factsDatabaseFile, this.clock.options.atRestKey);
  }

  close(): Promise<void> {
    return this.applier.close();
  }
}

const SILENT = createLogger({ sinks: [] });

/** Read on a read-only connection of its own: the applier's worker owns the writes. */
export function readLastSyncedAt(factsDatabaseFile: string, key?: AtRestKey): number | undefined {
  if (!existsSync(factsDatabaseFile)) return undefined;
  const db = openKioskSqlite(factsDatabaseFile, { key, readonly: true, fileMustExist: true });
  try {
    return new FactsStore(db).lastSyncedAt();
  } finally {
    db.close();
  }
}
