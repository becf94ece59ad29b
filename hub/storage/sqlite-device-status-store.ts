import type Database from 'better-sqlite3';
import {
  reportColumns,
  reportOfColumns,
  type DeviceSighting,
  type ReportColumns,
  type DeviceStatus,
  type DeviceStatusStore,
} from '../devices/device-status-store.js';
import { deviceOf, type DeviceRow } from './sqlite-enrollment-store.js';
import { writeUnlessBusy } from './sqlite-busy.js';

interface StatusRow extends DeviceRow, ReportColumns {
  seen_at: number | null;
  upload_at: number | null;
  reported_at: number | null;
}

/** DeviceStatusStore in the hub's SQLite database (migration 9), on the storage's connection. */
export class SqliteDeviceStatusStore implements DeviceStatusStore {
  private readonly statements;
  private readonly recordAll: (sightings: readonly DeviceSighting[]) => void;

  constructor(db: Database.Database) {
    this.statements = {
      // Never back in time: a process flushing late must not undo a newer sighting.
      seen: db.prepare<[string, number]>(
        `INSERT INTO device_status (device_id, seen_at) VALUES (?, ?)
         ON CONFLICT (device_id) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)`,
      ),
      report: db.prepare<[number, number | null, number | null, number | null, string | null, string | null, string | null, string, string, number]>(
        `UPDATE device_status SET reported_at = ?, data_seq = ?, synced_at = ?, backlog = ?, rule_set_id = ?, rule_set_version = ?, app_version = ?, flags = ?
          WHERE device_id = ? AND (reported_at IS NULL OR reported_at <= ?)`,
      ),
      list: db.prepare<[], StatusRow>(
        `SELECT d.device_id, d.public_key, d.location, d.revoked, d.enrolled_at, c.updated_at AS upload_at,
                s.seen_at, s.reported_at, s.data_seq, s.synced_at, s.backlog, s.rule_set_id, s.rule_set_version, s.app_version, s.flags
           FROM device d LEFT JOIN device_status s ON s.device_id = d.device_id LEFT JOIN entry_chain c ON c.kiosk_id = d.device_id
          ORDER BY d.enrolled_at, d.device_id`,
      ),
    };
    // One transaction for the whole batch: one fsync per flush, whatever the number of kiosks.
    this.recordAll = db.transaction((sightings: readonly DeviceSighting[]) => {
      for (const sighting of sightings) {
        this.statements.seen.run(sighting.deviceId, sighting.seenAt);
        if (sighting.report !== undefined) this.statements.report.run(sighting.seenAt, ...reportColumns(sighting.report), sighting.deviceId, sighting.seenAt);
      }
    });
  }

  async recordSightings(sightings: readonly DeviceSighting[]): Promise<void> {
    if (sightings.length > 0) writeUnlessBusy(() => this.recordAll(sightings));
  }

  async listDeviceStatus(): Promise<DeviceStatus[]> {
    return this.statements.list.all().map(statusOf);
  }
}

function statusOf(row: StatusRow): DeviceStatus {
  // Before the hub kept sightings, an upload was the only trace of a kiosk: the later of both.
  const seen = Math.max(row.seen_at ?? -Infinity, row.upload_at ?? -Infinity);
  return {
    ...deviceOf(row),
    ...(Number.isFinite(seen) ? { lastSeenAt: seen } : {}),
    ...(row.upload_at === null ? {} : { lastUploadAt: row.upload_at }),
    ...(row.reported_at === null ? {} : { reportedAt: row.reported_at, report: reportOfColumns(row) }),
  };
}
