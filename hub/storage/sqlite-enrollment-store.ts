import type Database from 'better-sqlite3';
import type { EnrolledDevice, EnrollmentStore, StoredCode } from '../enrollment/enrollment-store.js';
import { writeUnlessBusy } from './sqlite-busy.js';
import { scopeFromText, scopeText } from '../../domain/sync/province-scope.js';

export interface DeviceRow {
  device_id: string;
  public_key: Buffer;
  location: string;
  revoked: number;
  enrolled_at: number;
  scope: string | null;
}

const DEVICE_COLUMNS = 'device_id, public_key, location, revoked, enrolled_at, scope FROM device';

/** The stored scope (migration 10) as a record's optional field: absent for every province. */
const scopeField = (text: string | null): { scope?: readonly string[] } => {
  const scope = scopeFromText(text);
  return scope === null ? {} : { scope };
};

export const deviceOf = (row: DeviceRow): EnrolledDevice => ({
  deviceId: row.device_id,
  // A copy, not the driver's Buffer: callers get the plain bytes the interface promises.
  publicKeyRaw: new Uint8Array(row.public_key),
  location: row.location,
  revoked: row.revoked === 1,
  enrolledAt: row.enrolled_at,
  ...scopeField(row.scope),
});

/**
 * EnrollmentStore in the hub's SQLite database (tables of migration 2), on the storage's
 * long-lived connection. Every write is one statement, so it is atomic by itself; a code is
 * taken by DELETE … RETURNING, which SQLite's single writer makes one-time across processes.
 */
export class SqliteEnrollmentStore implements EnrollmentStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      saveCode: db.prepare<[string, string, number, string | null]>('INSERT INTO enrollment_code (code_hash, location, expires_at, scope) VALUES (?, ?, ?, ?)'),
      takeCode: db.prepare<[string], { location: string; expires_at: number; scope: string | null }>(
        'DELETE FROM enrollment_code WHERE code_hash = ? RETURNING location, expires_at, scope',
      ),
      // Re-enrolment keeps the key (the id is the key's hash) and never clears a revocation.
      saveDevice: db.prepare<[string, Buffer, string, number, number, string | null]>(
        `INSERT INTO device (device_id, public_key, location, revoked, enrolled_at, scope) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO NOTHING`,
      ),
      findDevice: db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} WHERE device_id = ?`),
      revokeDevice: db.prepare<[string]>('UPDATE device SET revoked = 1 WHERE device_id = ?'),
      listDevices: db.prepare<[], DeviceRow>(`SELECT ${DEVICE_COLUMNS} ORDER BY enrolled_at, device_id`),
    };
  }

  async saveCode(code: StoredCode): Promise<void> {
    writeUnlessBusy(() => this.statements.saveCode.run(code.codeHash, code.location, code.expiresAt, scopeText(code.scope ?? null)));
  }

  async takeCode(codeHash: string): Promise<Omit<StoredCode, 'codeHash'> | undefined> {
    const row = writeUnlessBusy(() => this.statements.takeCode.get(codeHash));
    return row === undefined ? undefined : { location: row.location, expiresAt: row.expires_at, ...scopeField(row.scope) };
  }

  async saveDevice(device: EnrolledDevice): Promise<boolean> {
    return (
      writeUnlessBusy(() =>
        this.statements.saveDevice.run(
          device.deviceId,
          Buffer.from(device.publicKeyRaw),
          device.location,
          device.revoked ? 1 : 0,
          device.enrolledAt,
          scopeText(device.scope ?? null),
        ),
      ).changes > 0
    );
  }

  async findDevice(deviceId: string): Promise<EnrolledDevice | undefined> {
    const row = this.statements.findDevice.get(deviceId);
    return row === undefined ? undefined : deviceOf(row);
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    return writeUnlessBusy(() => this.statements.revokeDevice.run(deviceId)).changes > 0;
  }

  async listDevices(): Promise<EnrolledDevice[]> {
    return this.statements.listDevices.all().map(deviceOf);
  }
}
