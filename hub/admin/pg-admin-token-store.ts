import type pg from 'pg';
import type { AdminTokenRecord, AdminTokenStore } from './admin-token-store.js';

interface TokenRow {
  label: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'label, token_hash, created_at, expires_at, revoked_at';

const recordOf = (row: TokenRow): AdminTokenRecord => ({
  name: row.label,
  tokenHash: row.token_hash,
  createdAt: row.created_at.getTime(),
  expiresAt: row.expires_at.getTime(),
  revokedAt: row.revoked_at === null ? null : row.revoked_at.getTime(),
});

/** AdminTokenStore in the hub's PostgreSQL database: every operation one autocommitted statement. */
export class PgAdminTokenStore implements AdminTokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async add(token: Omit<AdminTokenRecord, 'revokedAt'>): Promise<boolean> {
    // Only a name clash is "taken"; a hash clash (never, with 256 random bits) still throws.
    const { rowCount } = await this.pool.query(
      'INSERT INTO admin_token (label, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (label) DO NOTHING',
      [token.name, token.tokenHash, new Date(token.createdAt), new Date(token.expiresAt)],
    );
    return (rowCount ?? 0) > 0;
  }

  async findByHash(tokenHash: string): Promise<AdminTokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRow>(`SELECT ${COLUMNS} FROM admin_token WHERE token_hash = $1`, [tokenHash]);
    return rows[0] === undefined ? undefined : recordOf(rows[0]);
  }

  async list(): Promise<AdminTokenRecord[]> {
    // COLLATE "C": ties break by bytes, as in SQLite and the memory store, whatever the database's locale.
    const { rows } = await this.pool.query<TokenRow>(`SELECT ${COLUMNS} FROM admin_token ORDER BY created_at, label COLLATE "C"`);
    return rows.map(recordOf);
  }

  async revoke(name: string, at: number): Promise<AdminTokenRecord | undefined> {
    const { rows } = await this.pool.query<TokenRow>(`UPDATE admin_token SET revoked_at = coalesce(revoked_at, $1) WHERE label = $2 RETURNING ${COLUMNS}`, [
      new Date(at),
      name,
    ]);
    return rows[0] === undefined ? undefined : recordOf(rows[0]);
  }
}
