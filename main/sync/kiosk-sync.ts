import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { loadDeviceIdentity, DEVICE_KEY_FILE } from '../hub-client/device-identity.js';
import { loadHubConfig, type HubConfig } from '../hub-client/hub-config.js';
import { RuleSetRepository } from '../rules/rule-set-repository.js';
import { FactsStore } from '../store/facts-store.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { readPinnedHubKeys } from '../trust/hub-keys-file.js';
import { TrustFileStore, type TrustFileInstaller } from '../trust/trust-file-store.js';
import { HubClient, type HubClientOptions } from '../hub-client/hub-client.js';
import { SyncApplier } from './sync-applier.js';
import { syncOnce, type RuleSetInstaller, type SyncOnceOptions, type SyncSummary } from './sync-client.js';
import { SyncLoop, type SyncLoopOptions } from './sync-loop.js';

export interface KioskSyncOptions {
  readonly dataDir: string;
  /** The SQLite file holding the people's facts, which the applier writes. */
  readonly factsDatabaseFile: string;
  /** Instead of hub.json's URL (e.g. the hub moved). */
  readonly hubUrl?: string;
  /** Where rule sets are installed: pass the kiosk's own RuleSetRepository so it reloads at once. */
  readonly rules?: RuleSetInstaller;
  /** The applier's worker script (tests run sources and pass a bundled one). */
  readonly workerUrl?: URL;
  /** Timeouts and fetch. */
  readonly client?: Omit<HubClientOptions, 'url' | 'identity'>;
}

/**
 * Everything one enrolled kiosk syncs with: its hub (hub.json), device identity, pinned
 * keys, the applier on its facts database and its rule sets. `chot sync` runs `syncOnce`;
 * `chot start` runs `startLoop` and shows `loop.status()`.
 */
export class KioskSync {
  private rulesEtag: string | undefined;
  private trustEtag: string | undefined;

  private constructor(
    readonly hub: HubConfig,
    readonly client: HubClient,
    readonly applier: SyncApplier,
    private readonly rules: RuleSetInstaller,
    private readonly trust: TrustFileInstaller,
    private readonly factsDatabaseFile: string,
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
      ...(options.workerUrl === undefined ? {} : { workerUrl: options.workerUrl }),
    });
    return new KioskSync(hub, client, applier, rules, trust, options.factsDatabaseFile);
  }

  /** One sync; the rules' and trust files' ETags are remembered for the next. */
  async syncOnce(options: Omit<SyncOnceOptions, 'rulesEtag' | 'trustEtag'> = {}): Promise<SyncSummary> {
    const summary = await syncOnce(
      { hub: this.client, applier: this.applier, rules: this.rules, trust: this.trust },
      {
        ...options,
        ...(this.rulesEtag === undefined ? {} : { rulesEtag: this.rulesEtag }),
        ...(this.trustEtag === undefined ? {} : { trustEtag: this.trustEtag }),
      },
    );
    this.rulesEtag = summary.rulesEtag;
    this.trustEtag = summary.trustEtag;
    return summary;
  }

  /** Starts the continuous sync; stop it (`loop.stop()`) before `close()`. */
  async startLoop(options: Omit<SyncLoopOptions, 'runSync' | 'subscribe' | 'readWatermark' | 'watermark'> = {}): Promise<SyncLoop> {
    const { watermark } = await this.applier.position();
    const loop = new SyncLoop({
      ...options,
      watermark,
      runSync: (signal) => this.syncOnce({ signal }),
      subscribe: (onSeq, onConnection) => this.client.notify(onSeq, { onConnection }),
      readWatermark: async () => (await this.applier.position()).watermark,
    });
    loop.start();
    return loop;
  }

  /** When the facts were last confirmed current (epoch ms), for "data age". */
  lastSyncedAt(): number | undefined {
    return readLastSyncedAt(this.factsDatabaseFile);
  }

  close(): Promise<void> {
    return this.applier.close();
  }
}

/** Read on a read-only connection of its own: the applier's worker owns the writes. */
export function readLastSyncedAt(factsDatabaseFile: string): number | undefined {
  if (!existsSync(factsDatabaseFile)) return undefined;
  const db = new Database(factsDatabaseFile, { readonly: true, fileMustExist: true });
  try {
    return new FactsStore(db).lastSyncedAt();
  } finally {
    db.close();
  }
}
