import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { KIOSK_DATABASE_FILE } from '../../main/store/kiosk-database.js';
import { KIOSK_MIGRATIONS } from '../../main/store/migrations.js';
import { migrateSqlite } from '../../platform/sqlite-migrate.js';
import { tempDataDir } from './kiosk-process.js';

export const SEED_KIOSK = 'k-0123456789abcdef';
export const SEED_SIGNER = 'C=VN, O=Bộ Công an, CN=Document Signer 07#0a1b2c3d';

/**
 * A kiosk.sqlite as Chốt left it at `version` (6 or 7): entries 1–2 of format 1 (logged
 * before migration 5), 3–5 of format 2, one of them a staff override; at version 7 also entry
 * 6 of format 3, a chip read with its document signer. Each is hashed the way its format was
 * hashed — written out here, not through today's code, so a change to any old form would
 * show — and an upload receipt through the last, which must survive a migration.
 */
export function seedOldKioskLog(version: 6 | 7, prefix = 'chot-migration-'): { kioskFile: string; hashes: Buffer[] } {
  const kioskFile = join(tempDataDir(prefix), KIOSK_DATABASE_FILE);
  const db = new Database(kioskFile);
  db.pragma('journal_mode = WAL');
  migrateSqlite(db, KIOSK_MIGRATIONS.slice(0, version));
  const signerColumn = version === 7 ? ', document_signer' : '';
  const insert = db.prepare(
    `INSERT INTO entry (seq, format, at, kiosk_id, location, lane, direction, source_kind, source_device_id, credential_kind, authenticity,
                        person_id, outcome, reasons, rule_set, override_by, override_reason, prev_hash, hash${signerColumn})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'khanh-hoa-2021-10@1.0.0', ?, ?, ?, ?${version === 7 ? ', ?' : ''})`,
  );
  const hashes: Buffer[] = [];
  let prev = Buffer.alloc(32);
  const last = version === 7 ? 6 : 5;
  for (let seq = 1; seq <= last; seq += 1) {
    const format = seq <= 2 ? 1 : seq <= 5 ? 2 : 3;
    const at = `2021-10-15T08:00:0${seq}.000+07:00`;
    const personId = `0560890012${String(seq).padStart(2, '0')}`;
    const outcome = seq === 4 ? 'yellow' : 'green';
    const reasons = seq === 5 ? ['override', 'overrides:4'] : ['vaccinated-full'];
    const override = seq === 5 ? ['staff-7', 'thẻ mờ'] : null;
    const read = format === 3 ? ['chip', 'ACS ACR39U', 'chip', 'chip-verified'] : ['serial', 'ttyACM0', 'cccd-qr', 'unsigned'];
    const v2Fields = [seq, at, SEED_KIOSK, 'Chợ Đầm', '1', 'in', ...read, personId, outcome, reasons, 'khanh-hoa-2021-10@1.0.0', override];
    const canonical =
      format === 1
        ? JSON.stringify([seq, at, ...read, personId, outcome, reasons, 'khanh-hoa-2021-10@1.0.0'])
        : format === 2
          ? JSON.stringify(['chot-entry-2', ...v2Fields])
          : JSON.stringify(['chot-entry-3', ...v2Fields, SEED_SIGNER]);
    const hash = createHash('sha256').update(prev).update(canonical, 'utf8').digest();
    const place = format === 1 ? [null, null, null, null] : [SEED_KIOSK, 'Chợ Đầm', '1', 'in'];
    const values = [seq, format, at, ...place, ...read, personId, outcome, JSON.stringify(reasons), override?.[0] ?? null, override?.[1] ?? null, prev, hash];
    insert.run(...values, ...(version === 7 ? [format === 3 ? SEED_SIGNER : null] : []));
    hashes.push(hash);
    prev = hash;
  }
  db.prepare('INSERT INTO upload_receipt (through_seq, head_hash, issued_at, received_at, hub_key_id, signature) VALUES (?, ?, 1, 2, ?, ?)').run(
    last,
    prev,
    'ab12cd34',
    'sig',
  );
  db.close();
  return { kioskFile, hashes };
}
