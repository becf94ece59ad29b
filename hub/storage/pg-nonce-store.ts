import type pg from 'pg';
import { REQUEST_CLOCK_WINDOW_MS } from '../../domain/sync/signed-request.js';
import type { NonceStore } from '../enrollment/request-verifier.js';

/** Old nonces are deleted at most this often per process. */
const PRUNE_EVERY_MS = 60_000;

/** The nonces of accepted requests in PostgreSQL (migration 6), shared by every hub process on the database. */
export class PgNonceStore implements NonceStore {
  private prunedAt = 0;

  constructor(private readonly pool: pg.Pool) {}

  async seen(deviceId: string, nonce: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM request_nonce WHERE device_id = $1 AND nonce = $2', [deviceId, nonce]);
    return (rowCount ?? 0) > 0;
  }

  async remember(deviceId: string, nonce: string, timestampMs: number, nowMs: number): Promise<boolean> {
    if (nowMs - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = nowMs;
      await this.pool.query('DELETE FROM request_nonce WHERE at_ms < $1', [nowMs - REQUEST_CLOCK_WINDOW_MS]);
    }
    const { rowCount } = await this.pool.query('INSERT INTO request_nonce (device_id, nonce, at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      deviceId,
      nonce,
      timestampMs,
    ]);
    return (rowCount ?? 0) > 0;
  }
}
