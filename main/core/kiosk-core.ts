import { join } from 'node:path';
import type { KioskApi, KioskInfo, ScanSubmission, WedgeSettings } from '../../domain/contract/kiosk-api.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { chotVersion } from '../config/paths.js';
import { demoCards, demoRecords } from '../demo/demo-people.js';
import { EntryLog } from '../store/entry-log.js';
import { FactsStore } from '../store/facts-store.js';
import { openKioskDatabase, type SqliteDatabase } from '../store/kiosk-database.js';
import { RuleSetRepository } from '../rules/rule-set-repository.js';
import { loadVerificationPorts } from '../trust/kiosk-trust.js';
import { ScanPipeline } from './scan-pipeline.js';

export interface KioskCoreOptions {
  readonly dataDir: string;
  /** Run on the built-in demo data set (the default while no hub is configured). */
  readonly demo: boolean;
  readonly now?: () => number;
  readonly wedge?: Partial<WedgeSettings>;
  readonly verdictHoldMs?: number;
}

export const DEFAULT_WEDGE_SETTINGS: WedgeSettings = {
  // Scanners send keys 1–15 ms apart; even a fast typist rarely keeps under 50 ms for long.
  maxInterKeyMs: 50,
  minLength: 6,
  suffixKey: 'Enter',
  maxLength: 8192,
};

export const KIOSK_DATABASE_FILE = 'kiosk.sqlite';

/** The kiosk's core services, the same in Electron's main process and in browser mode. */
export class KioskCore implements KioskApi {
  private readonly pipeline: ScanPipeline;
  private readonly info: KioskInfo;
  private readonly rules: RuleSetRepository;
  private readonly stopWatchingRules: () => void;

  private constructor(private readonly db: SqliteDatabase, private readonly options: KioskCoreOptions) {
    const now = options.now ?? Date.now;
    const facts = new FactsStore(db);
    if (options.demo) {
      // The demo data set is dated relative to now, so it is as fresh as a sync that just happened.
      facts.upsertMany(demoRecords(now()));
      facts.markSynced(now());
    }
    const trust = loadVerificationPorts({ dataDir: options.dataDir });
    // Compile the DCC schemas at start, not at the first DCC scanned.
    trust.dccSchemas?.compileAll();
    this.rules = new RuleSetRepository(options.dataDir, trust.hubKeys, (message) => process.stderr.write(`chot: ${message}\n`));
    this.stopWatchingRules = this.rules.watch();
    this.pipeline = new ScanPipeline({ facts, log: new EntryLog(db), rulesAt: (at) => this.rules.inForce(at), now, trust });
    this.info = {
      version: chotVersion(),
      wedge: { ...DEFAULT_WEDGE_SETTINGS, ...options.wedge },
      verdictHoldMs: options.verdictHoldMs ?? 5000,
      ...(options.demo ? { demoCards: demoCards() } : {}),
    };
  }

  static open(options: KioskCoreOptions): KioskCore {
    return new KioskCore(openKioskDatabase(join(options.dataDir, KIOSK_DATABASE_FILE)), options);
  }

  async submitScan(submission: ScanSubmission): Promise<Verdict> {
    const at = toVietnamIso((this.options.now ?? Date.now)());
    return this.pipeline.decide({ source: submission.source, text: submission.text, overflow: submission.overflow === true, at });
  }

  async getKioskInfo(): Promise<KioskInfo> {
    return this.info;
  }

  close(): void {
    this.stopWatchingRules();
    this.db.close();
  }
}
