import { terminalText } from '../../domain/text/terminal-text.js';
import type { LogRecord, LogSink } from './logger.js';
import type { RedactedValue } from './log-redaction.js';

/** Plain tokens are written as they are; anything with a space, quote, `=` or nothing at all, as a JSON string. */
const PLAIN_VALUE = /^[^\s"=]+$/;

function formatValue(value: RedactedValue): string {
  if (typeof value !== 'string') return String(value);
  return PLAIN_VALUE.test(value) ? value : JSON.stringify(value);
}

/**
 * The human form of a record: `<message> key=value …`, every part escaped for a terminal
 * (a control character in a value cannot recolour or rewrite the operator's screen). The
 * level is not written: the stderr format stays what it was before there were levels.
 */
export function formatLogLine(record: LogRecord): string {
  const fields = Object.entries(record.fields).map(([name, value]) => ` ${terminalText(name)}=${terminalText(formatValue(value))}`);
  return `${terminalText(record.message)}${fields.join('')}`;
}

export interface StderrSinkOptions {
  /** Before every line: `chot: ` for the kiosk. */
  readonly prefix?: string;
  /** Default: process.stderr. */
  readonly stream?: { write(text: string): unknown };
}

/** Records as human lines on standard error, as the kiosk and the hub have always logged. */
export function stderrSink(options: StderrSinkOptions = {}): LogSink {
  const prefix = options.prefix ?? 'chot: ';
  const stream = options.stream ?? process.stderr;
  return {
    write: (record) => {
      try {
        stream.write(`${prefix}${formatLogLine(record)}\n`);
      } catch {
        // A closed stderr (EPIPE) costs the line, not the kiosk (launcher/process-output.ts).
      }
    },
  };
}
