import { join } from 'node:path';
import type { LogLevel, RootLogger } from '../../platform/logging/logger.js';
import { LOGS_DIR, openProcessLogger } from '../../platform/logging/open-logger.js';

/** Where a kiosk's log files are: `<data-dir>/logs`. */
export function kioskLogDir(dataDir: string): string {
  return join(dataDir, LOGS_DIR);
}

/**
 * The kiosk's logger (browser mode and the Electron main process): human lines on stderr
 * and the rotating JSON-lines files in `<data-dir>/logs`, which an unattended kiosk is
 * debugged from. One kiosk process writes them, as it alone writes the data directory's
 * databases.
 */
export function openKioskLogger(dataDir: string, level?: LogLevel): RootLogger {
  return openProcessLogger({ logDir: kioskLogDir(dataDir), ...(level === undefined ? {} : { level }) });
}

/** Stderr only: for code run without a kiosk's logger (tests, one-shot tools, the launcher before a data directory is known). */
export function stderrLogger(level?: LogLevel): RootLogger {
  return openProcessLogger(level === undefined ? {} : { level });
}
