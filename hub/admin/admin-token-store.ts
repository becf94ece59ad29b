/** An admin API token as the hub keeps it: the SHA-256 of the token, never the token. */
export interface AdminTokenRecord {
  /** Unique for ever (revoked and expired tokens keep theirs): the request log names tokens by it. */
  readonly name: string;
  /** Hex SHA-256 of the whole token text. */
  readonly tokenHash: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Epoch milliseconds; null while the token is usable. */
  readonly revokedAt: number | null;
}

/**
 * Where admin tokens live: the hub's storage, SQLite or PostgreSQL (the same contract tests
 * run against both and the memory store below). Async, because PostgreSQL is. The hub reads
 * it on every admin request (no cache), so a revocation by `chot hub admin-token revoke` in
 * another process counts from the next request.
 */
export interface AdminTokenStore {
  /** Adds a token; false, storing nothing, when a token of that name exists (in any state). */
  add(token: Omit<AdminTokenRecord, 'revokedAt'>): Promise<boolean>;
  findByHash(tokenHash: string): Promise<AdminTokenRecord | undefined>;
  /** Every token, revoked and expired ones too, by creation time then name. */
  list(): Promise<AdminTokenRecord[]>;
  /**
   * Revokes the named token at `at` and returns it as it now is; a token revoked before
   * keeps its first revocation time. Undefined when there is no such token.
   */
  revoke(name: string, at: number): Promise<AdminTokenRecord | undefined>;
}

/** Listing order, the same in every store: by creation time, then by name (bytewise). */
export function byCreation(a: AdminTokenRecord, b: AdminTokenRecord): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** In-memory store, for tests (never in production: a restart would forget every revocation). */
export class MemoryAdminTokenStore implements AdminTokenStore {
  private readonly tokens = new Map<string, AdminTokenRecord>();

  async add(token: Omit<AdminTokenRecord, 'revokedAt'>): Promise<boolean> {
    if (this.tokens.has(token.name)) return false;
    if ([...this.tokens.values()].some((t) => t.tokenHash === token.tokenHash)) throw new Error('an admin token with this hash exists already');
    this.tokens.set(token.name, { ...token, revokedAt: null });
    return true;
  }

  async findByHash(tokenHash: string): Promise<AdminTokenRecord | undefined> {
    return [...this.tokens.values()].find((t) => t.tokenHash === tokenHash);
  }

  async list(): Promise<AdminTokenRecord[]> {
    return [...this.tokens.values()].sort(byCreation);
  }

  async revoke(name: string, at: number): Promise<AdminTokenRecord | undefined> {
    const token = this.tokens.get(name);
    if (token === undefined) return undefined;
    const revoked = { ...token, revokedAt: token.revokedAt ?? at };
    this.tokens.set(name, revoked);
    return revoked;
  }
}
