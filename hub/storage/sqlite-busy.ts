/** What a write says when an import holds the SQLite hub's one write lock. */
export const SQLITE_BUSY_MESSAGE = 'the hub database is busy: an import is probably writing to it; try again when it has finished';

/**
 * Runs one write (or write transaction). SQLite has one writer, and an import holds the
 * write lock for its whole file (minutes, for a big one), so a write waits the connection's
 * busy_timeout and then fails: say why, rather than "database is locked". `busy` makes the
 * error (a store may have its own type, e.g. for a 503 with Retry-After).
 */
export function writeUnlessBusy<T>(statement: () => T, busy: (cause: unknown) => Error = (cause) => new Error(SQLITE_BUSY_MESSAGE, { cause })): T {
  try {
    return statement();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw busy(error);
    throw error;
  }
}
