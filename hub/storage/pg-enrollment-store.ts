import type pg from 'pg';
import type { EnrolledDevice, EnrollmentStore, StoredCode } from '../enrollment/enrollment-store.js';
import { scopeFromText, scopeText } from '../../domain/sync/province-scope.js';

export interface DeviceRow {
  device_id: string;
  public_key: Buffer;
  location: string;
  revoked: boolean;
  enrolled_at: Date;
  scope: string | null;
}

const DEVICE_COLUMNS = 'device_id, public_key, location, revoked, enrolled_at, scope FROM device';

/** The stored scope (migration 12) as a record's optional field: absent for every province. */
const scopeField = (text: string | null): { scope?: readonly string[] } => {
  const scope = scopeFromText(text);
  return scope === null ? {} : { scope };
};

export const deviceOf = (row: DeviceRow): EnrolledDevice => ({
  deviceId: row.device_id,
  // A copy, not the driver's Buffer: callers get the plain bytes the interface promises.
  publicKeyRaw: new Uint8Array(row.public_key),
  location: row.location,
  revoked: row.revoked,
  enrolledAt: row.enrolled_at.getTime(),
  ...scopeField(row.scope),
});

/**
 * EnrollmentStore in the hub's PostgreSQL database (tables of migration 2). Every operation
 * is one autocommitted statement. A code is taken by DELETE … RETURNING: a second, concurrent
 * take waits for the first one's row lock, then finds the row gone, so exactly one wins.
 */
export class PgEnrollmentStore implements EnrollmentStore {
  constructor(private readonly pool: pg.Pool) {}

  async saveCode(code: StoredCode): Promise<void> {
    await this.pool.query('INSERT INTO enrollment_code (code_hash, location, expires_at, scope) VALUES ($1, $2, $3, $4)', [
      code.codeHash,
      code.location,
      new Date(code.expiresAt),
      scopeText(code.scope ?? null),
    ]);
  }

  async takeCode(codeHash: string): Promise<Omit<StoredCode, 'codeHash'> | undefined> {
    const { rows } = await this.pool.query<{ location: string; expires_at: Date; scope: string | null }>(
      'DELETE FROM enrollment_code WHERE code_hash = $1 RETURNING location, expires_at, scope',
      [codeHash],
    );
    const row = rows[0];
    return row === undefined ? undefined : { location: row.location, expiresAt: row.expires_at.getTime(), ...scopeField(row.scope) };
  }

  async saveDevice(device: EnrolledDevice): Promise<boolean> {
    // A known key is never moved nor un-revoked: the first enrolment stands (enrollment-store.ts).
    const { rowCount } = await this.pool.query(
      `INSERT INTO device (device_id, public_key, location, revoked, enrolled_at, scope) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (device_id) DO NOTHING`,
      [device.deviceId, Buffer.from(device.publicKeyRaw), device.location, device.revoked, new Date(device.enrolledAt), scopeText(device.scope ?? null)],
    );
    return (rowCount ?? 0) > 0;
  }

  async findDevice(deviceId: string): Promise<EnrolledDevice | undefined> {
    const { rows } = await this.pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} WHERE device_id = $1`, [deviceId]);
    return rows[0] === undefined ? undefined : deviceOf(rows[0]);
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE device SET revoked = true WHERE device_id = $1', [deviceId]);
    return (rowCount ?? 0) > 0;
  }

  async listDevices(): Promise<EnrolledDevice[]> {
    // COLLATE "C": ties break by bytes, as in SQLite and the memory store, whatever the database's locale.
    const { rows } = await this.pool.query<DeviceRow>(`SELECT ${DEVICE_COLUMNS} ORDER BY enrolled_at, device_id COLLATE "C"`);
    return rows.map(deviceOf);
  }
}
