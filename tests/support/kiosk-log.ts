import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';

/** Reads a running kiosk's entry log (kiosk.sqlite in its data dir), read-only, closed again at once. */
export function withKioskLog<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'kiosk.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every row of the kiosk's entry table, by seq, as the columns name them. */
export function kioskLogRows<Row>(dataDir: string): Row[] {
  return withKioskLog(dataDir, (db) => db.prepare('SELECT * FROM entry ORDER BY seq').all() as Row[]);
}
