/**
 * A numbered schema migration, for either storage engine (the SQLite runner in
 * sqlite-migrate.ts, the hub's PostgreSQL runner). Lists of them are append only: a
 * migration that has shipped is never edited. Each is tested by migrating a database
 * seeded at the version before it.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The newest version a list of migrations reaches (0 for none). */
export function newestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Refuses a database that a newer Chốt has migrated beyond what this one knows. */
export function assertNotNewer(what: string, current: number, migrations: readonly Migration[]): void {
  const newest = newestVersion(migrations);
  if (current > newest) {
    throw new Error(`${what} schema version ${current} is newer than this Chốt (knows up to ${newest}); upgrade Chốt`);
  }
}
