import { createLogger, DEFAULT_LOG_LEVEL, isLogLevel, type LogLevel, type LogSink, type RootLogger } from './logger.js';
import { rotatingFileSink } from './rotating-file-sink.js';
import { stderrSink } from './stderr-sink.js';

/** The environment variable that sets the log threshold when no option does. */
export const LOG_LEVEL_ENV = 'CHOT_LOG_LEVEL';
/** The log files' directory inside a kiosk's or a hub's data directory. */
export const LOGS_DIR = 'logs';

export class LogLevelError extends Error {
  override readonly name = 'LogLevelError';
}

/**
 * The threshold: the command's option, else `$CHOT_LOG_LEVEL`, else info. A wrong value is
 * an error naming where it came from: a kiosk that silently logged less than asked would
 * be debugged blind.
 */
export function logLevelFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const [text, from] = option !== undefined ? [option, '--log-level'] : [env[LOG_LEVEL_ENV], LOG_LEVEL_ENV];
  if (text === undefined || text === '') return DEFAULT_LOG_LEVEL;
  if (!isLogLevel(text)) throw new LogLevelError(`${from} must be debug, info, warn or error, got ${JSON.stringify(text)}`);
  return text;
}

export interface ProcessLoggerOptions {
  readonly level?: LogLevel;
  /** The rotating JSON-lines files' directory (`<data-dir>/logs`); none: stderr only. */
  readonly logDir?: string;
  /** Before every stderr line. Default `chot: `. */
  readonly stderrPrefix?: string;
  /** Default: process.stderr (a command's tests hand in their own). */
  readonly stderr?: { write(text: string): unknown };
  readonly maxFileBytes?: number;
  readonly filesKept?: number;
}

/** A long-running process's logger: human lines on stderr and, given a directory, the rotating files. */
export function openProcessLogger(options: ProcessLoggerOptions = {}): RootLogger {
  const stderr = stderrSink({ prefix: options.stderrPrefix ?? 'chot: ', ...(options.stderr === undefined ? {} : { stream: options.stderr }) });
  const sinks: LogSink[] = [stderr];
  if (options.logDir !== undefined) {
    sinks.push(
      rotatingFileSink({
        dir: options.logDir,
        trouble: (line) => stderr.write({ at: Date.now(), level: 'warn', message: line, fields: {} }),
        ...(options.maxFileBytes === undefined ? {} : { maxBytes: options.maxFileBytes }),
        ...(options.filesKept === undefined ? {} : { keep: options.filesKept }),
      }),
    );
  }
  return createLogger({ sinks, ...(options.level === undefined ? {} : { level: options.level }) });
}
