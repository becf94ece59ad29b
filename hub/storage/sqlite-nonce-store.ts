import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { createOwnerOnlyFile } from '../../platform/owner-only-files.js';
import { REQUEST_CLOCK_WINDOW_MS } from '../../domain/sync/signed-request.js';
import type { NonceStore } from '../enrollment/request-verifier.js';

/** The nonces file beside the hub's database (hub-nonces.sqlite beside hub.sqlite). */
export const HUB_NONCES_FILE = 'hub-nonces.sqlite';
/** Old nonces are deleted at most this often: one indexed range delete, not one per request. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The nonces of accepted requests, in a SQLite file of their own: SQLite has one write lock
 * per file, and an import holds hub.sqlite's for minutes, during which every signed request
 * still has to record its nonce. synchronous=NORMAL (WAL): a nonce survives a crash or a
 * restart of the process; a power cut may lose the last ones, which a request would need
 * to be replayed within the clock window and across that power cut to exploit.
 */
export class SqliteNonceStore implements NonceStore {
  private readonly db: Database.Database;
  private readonly statements;
  private prunedAt = 0;

  constructor(file: string) {
    // Owner only, as hub.sqlite: nonces name devices.
    createOwnerOnlyFile({ ...fs, platform: process.platform }, file, dirname(file));
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(`CREATE TABLE IF NOT EXISTS request_nonce (
        device_id TEXT NOT NULL,
        nonce     TEXT NOT NULL,
        at_ms     INTEGER NOT NULL, -- the request's timestamp, epoch ms
        PRIMARY KEY (device_id, nonce)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS request_nonce_by_time ON request_nonce (at_ms);`);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.statements = {
      seen: this.db.prepare<[string, string], number>('SELECT 1 FROM request_nonce WHERE device_id = ? AND nonce = ?').pluck(),
      remember: this.db.prepare<[string, string, number]>('INSERT INTO request_nonce (device_id, nonce, at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      prune: this.db.prepare<[number]>('DELETE FROM request_nonce WHERE at_ms < ?'),
    };
  }

  async seen(deviceId: string, nonce: string): Promise<boolean> {
    return this.statements.seen.get(deviceId, nonce) !== undefined;
  }

  async remember(deviceId: string, nonce: string, timestampMs: number, nowMs: number): Promise<boolean> {
    if (nowMs - this.prunedAt >= PRUNE_EVERY_MS) {
      this.statements.prune.run(nowMs - REQUEST_CLOCK_WINDOW_MS);
      this.prunedAt = nowMs;
    }
    return this.statements.remember.run(deviceId, nonce, timestampMs).changes > 0;
  }

  close(): void {
    this.db.close();
  }
}
