import { createLogger, type LogLevel, type LogRecord, type RootLogger } from '../../platform/logging/logger.js';
import { formatLogLine } from '../../platform/logging/stderr-sink.js';

/** A logger that keeps its records, and their human lines as stderr would show them (without the prefix). */
export function memoryLogger(level: LogLevel = 'debug'): RootLogger & { readonly records: LogRecord[]; readonly lines: string[] } {
  const records: LogRecord[] = [];
  const lines: string[] = [];
  const logger = createLogger({
    level,
    sinks: [{ write: (record) => void (records.push(record), lines.push(formatLogLine(record))) }],
  });
  return Object.assign(logger, { records, lines });
}

/** A logger whose human lines (as stderr shows them, without the prefix) go to `push`: for tests that collected the old line callbacks. */
export function linesLogger(push: (line: string) => void, level: LogLevel = 'debug'): RootLogger {
  return createLogger({ level, sinks: [{ write: (record) => push(formatLogLine(record)) }] });
}
