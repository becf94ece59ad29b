import type Database from 'better-sqlite3';
import type { AdminTokenRecord, AdminTokenStore } from './admin-token-store.js';
import { writeUnlessBusy } from '../storage/sqlite-busy.js';

interface TokenRow {
  label: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

const COLUMNS = 'label, token_hash, created_at, expires_at, revoked_at';

const recordOf = (row: TokenRow): AdminTokenRecord => ({
  name: row.label,
  tokenHash: row.token_hash,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

/**
 * AdminTokenStore in the hub's SQLite database (table of migration 5), on the
 * storage's long-lived connection. Every write is one statement, so atomic by itself.
 */
export class SqliteAdminTokenStore implements AdminTokenStore {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      // Only a name clash is "taken"; a hash clash (never, with 256 random bits) still throws.
      add: db.prepare<[string, string, number, number]>(
        `INSERT INTO admin_token (label, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (label) DO NOTHING`,
      ),
      findByHash: db.prepare<[string], TokenRow>(`SELECT ${COLUMNS} FROM admin_token WHERE token_hash = ?`),
      list: db.prepare<[], TokenRow>(`SELECT ${COLUMNS} FROM admin_token ORDER BY created_at, label`),
      revoke: db.prepare<[number, string], TokenRow>(`UPDATE admin_token SET revoked_at = coalesce(revoked_at, ?) WHERE label = ? RETURNING ${COLUMNS}`),
    };
  }

  async add(token: Omit<AdminTokenRecord, 'revokedAt'>): Promise<boolean> {
    return writeUnlessBusy(() => this.statements.add.run(token.name, token.tokenHash, token.createdAt, token.expiresAt)).changes > 0;
  }

  async findByHash(tokenHash: string): Promise<AdminTokenRecord | undefined> {
    const row = this.statements.findByHash.get(tokenHash);
    return row === undefined ? undefined : recordOf(row);
  }

  async list(): Promise<AdminTokenRecord[]> {
    return this.statements.list.all().map(recordOf);
  }

  async revoke(name: string, at: number): Promise<AdminTokenRecord | undefined> {
    const row = writeUnlessBusy(() => this.statements.revoke.get(at, name));
    return row === undefined ? undefined : recordOf(row);
  }
}
