import { redactFields, redactText, type RedactedFields } from './log-redaction.js';

/**
 * The one logger of the kiosk and the hub. Unattended kiosks are debugged from their log
 * files, so every line is a record (time, level, message, fields) that sinks write as they
 * need: a human line on stderr, a JSON line in a rotating file. Personal data is removed
 * HERE, before any sink sees a record (log-redaction.ts): no caller has to remember it.
 */

/** Levels in rising order of urgency; a logger drops every record below its threshold. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Flat values only: a nested object could carry anything, and would be hard to redact or to grep. */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

/** A record as sinks receive it: already redacted, fields without undefined values. */
export interface LogRecord {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: RedactedFields;
}

/** Where records go. A sink never throws into the logger (it counts what it loses instead). */
export interface LogSink {
  write(record: LogRecord): void;
  close?(): void;
}

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a record at `level` would be written (to skip building an expensive one). */
  enabled(level: LogLevel): boolean;
  /** A logger that adds `fields` (a component tag: `{ component: 'sync' }`) to every record. */
  child(fields: LogFields): Logger;
}

/** The logger a process creates: closing it closes its sinks. */
export interface RootLogger extends Logger {
  close(): void;
}

export interface LoggerOptions {
  readonly sinks: readonly LogSink[];
  readonly level?: LogLevel;
  readonly now?: () => number;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export function isLogLevel(text: unknown): text is LogLevel {
  return typeof text === 'string' && (LOG_LEVELS as readonly string[]).includes(text);
}

export function createLogger(options: LoggerOptions): RootLogger {
  const threshold = RANK[options.level ?? DEFAULT_LOG_LEVEL];
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, bound: LogFields, message: string, fields: LogFields | undefined): void => {
    if (RANK[level] < threshold) return;
    const record: LogRecord = { at: now(), level, message: redactText(message), fields: redactFields({ ...bound, ...fields }) };
    for (const sink of options.sinks) {
      try {
        sink.write(record);
      } catch {
        // A sink that breaks its promise costs its own line, never the caller's work.
      }
    }
  };
  const make = (bound: LogFields): Logger => ({
    level: options.level ?? DEFAULT_LOG_LEVEL,
    debug: (message, fields) => emit('debug', bound, message, fields),
    info: (message, fields) => emit('info', bound, message, fields),
    warn: (message, fields) => emit('warn', bound, message, fields),
    error: (message, fields) => emit('error', bound, message, fields),
    enabled: (level) => RANK[level] >= threshold,
    child: (fields) => make({ ...bound, ...fields }),
  });
  return {
    ...make({}),
    close: () => {
      for (const sink of options.sinks) sink.close?.();
    },
  };
}

/**
 * A narrow `(line) => void` port onto a logger, for code that may not import platform/ (the
 * drivers) or reports one kind of thing: every line at `level`.
 */
export function lineLog(logger: Logger, level: LogLevel = 'info'): (line: string) => void {
  return (line) => logger[level](line);
}
