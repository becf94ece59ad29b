import type pg from 'pg';
import { reportColumns, reportOfColumns, type DeviceSighting, type DeviceStatus, type DeviceStatusStore } from '../devices/device-status-store.js';
import { deviceOf, type DeviceRow } from './pg-enrollment-store.js';
import { inPgTransaction } from './pg-transaction.js';

interface StatusRow extends DeviceRow {
  seen_ms: string | null;
  upload_ms: string | null;
  reported_ms: string | null;
  data_seq: string | null;
  synced_ms: string | null;
  backlog: string | null;
  rule_set_id: string | null;
  rule_set_version: string | null;
  app_version: string | null;
  flags: string | null;
}

const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::bigint`;
const toDate = (value: number | null): Date | null => (value === null ? null : new Date(value));
const toNumber = (value: string | null): number | null => (value === null ? null : Number(value));

/** DeviceStatusStore in the hub's PostgreSQL database (migration 9). */
export class PgDeviceStatusStore implements DeviceStatusStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordSightings(sightings: readonly DeviceSighting[]): Promise<void> {
    if (sightings.length === 0) return;
    // One transaction per flush; never back in time (GREATEST, and the report's own guard).
    await inPgTransaction(this.pool, 'BEGIN', async (client) => {
      for (const sighting of sightings) {
        const at = new Date(sighting.seenAt);
        await client.query(
          `INSERT INTO device_status (device_id, seen_at) VALUES ($1, $2)
           ON CONFLICT (device_id) DO UPDATE SET seen_at = GREATEST(device_status.seen_at, excluded.seen_at)`,
          [sighting.deviceId, at],
        );
        if (sighting.report === undefined) continue;
        const [seq, syncedAt, backlog, ruleSetId, ruleSetVersion, app, flags] = reportColumns(sighting.report);
        await client.query(
          `UPDATE device_status SET reported_at = $1, data_seq = $2, synced_at = $3, backlog = $4, rule_set_id = $5, rule_set_version = $6,
                  app_version = $7, flags = $8
            WHERE device_id = $9 AND (reported_at IS NULL OR reported_at <= $1)`,
          [at, seq, toDate(syncedAt), backlog, ruleSetId, ruleSetVersion, app, flags, sighting.deviceId],
        );
      }
    });
  }

  async listDeviceStatus(): Promise<DeviceStatus[]> {
    const { rows } = await this.pool.query<StatusRow>(
      `SELECT d.device_id, d.public_key, d.location, d.revoked, d.enrolled_at, ${ms('c.updated_at')} AS upload_ms,
              ${ms('s.seen_at')} AS seen_ms, ${ms('s.reported_at')} AS reported_ms, s.data_seq, ${ms('s.synced_at')} AS synced_ms, s.backlog,
              s.rule_set_id, s.rule_set_version, s.app_version, s.flags
         FROM device d LEFT JOIN device_status s ON s.device_id = d.device_id LEFT JOIN entry_chain c ON c.kiosk_id = d.device_id
        ORDER BY d.enrolled_at, d.device_id COLLATE "C"`,
    );
    return rows.map(statusOf);
  }
}

function statusOf(row: StatusRow): DeviceStatus {
  const seenAt = toNumber(row.seen_ms);
  const uploadAt = toNumber(row.upload_ms);
  // Before the hub kept sightings, an upload was the only trace of a kiosk: the later of both.
  const seen = Math.max(seenAt ?? -Infinity, uploadAt ?? -Infinity);
  const reportedAt = toNumber(row.reported_ms);
  return {
    ...deviceOf(row),
    ...(Number.isFinite(seen) ? { lastSeenAt: seen } : {}),
    ...(uploadAt === null ? {} : { lastUploadAt: uploadAt }),
    ...(reportedAt === null
      ? {}
      : {
          reportedAt,
          report: reportOfColumns({ ...row, data_seq: toNumber(row.data_seq), synced_at: toNumber(row.synced_ms), backlog: toNumber(row.backlog) }),
        }),
  };
}
