import * as nodeFs from 'node:fs';
import { terminalJson } from '../../domain/text/terminal-text.js';
import { messageOf } from '../message-of.js';
import { OWNER_ONLY_DIR_MODE, OWNER_ONLY_FILE_MODE, secureOwnerOnlyTree, type OwnerOnlyFileSystem } from '../owner-only-files.js';
import type { LogRecord, LogSink } from './logger.js';

/**
 * Log files an unattended kiosk (or a hub) can be debugged from later: JSON lines, one record
 * each, in `<dir>/chot.log`; at `maxBytes` the file is renamed `chot.log.1` (`.1` → `.2`, …)
 * and the oldest beyond `keep` is dropped, so the logs never hold more than
 * (keep + 1) × maxBytes whatever runs for months. The directory is owner-only like the data
 * beside it. One process writes a directory (the kiosk, or the hub, never both).
 *
 * Writing never throws into the caller: the gate must keep deciding when the disk is full or
 * someone removed the directory. Lost lines are counted, said once per outage on stderr, and
 * the count is the first record written once the file can be written again. A directory
 * that vanished is made again (when its parent is still there).
 */

export const LOG_FILE_NAME = 'chot.log';
export const DEFAULT_LOG_FILE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_LOG_FILES_KEPT = 4;

/** The node:fs calls the sink needs (node:fs fits it); tests hand in a failing one. */
export interface LogFileSystem extends OwnerOnlyFileSystem {
  appendFileSync(path: string, data: string, options: { mode: number }): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: true }): void;
  statSync(path: string): { readonly size: number };
  mkdirSync(path: string, options: { recursive: boolean; mode: number }): unknown;
}

export interface RotatingFileSinkOptions {
  readonly dir: string;
  /** Rotate before a line would take the file past this. Default 5 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept beside the current one. Default 4. */
  readonly keep?: number;
  /** Where the sink says that it cannot write (once per outage). Default: standard error. */
  readonly trouble?: (line: string) => void;
  readonly fs?: LogFileSystem;
}

export interface RotatingFileSink extends LogSink {
  /** The current file. */
  readonly file: string;
  /** Records lost since the sink started (disk full, directory gone). */
  dropped(): number;
}

const errorCode = (error: unknown): string | undefined => (error as { code?: unknown }).code as string | undefined;

export function rotatingFileSink(options: RotatingFileSinkOptions): RotatingFileSink {
  const fs: LogFileSystem = options.fs ?? { ...nodeFs, platform: process.platform };
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_FILE_BYTES;
  const keep = options.keep ?? DEFAULT_LOG_FILES_KEPT;
  const trouble = options.trouble ?? ((line: string) => void process.stderr.write(`chot: ${line}\n`));
  const file = `${options.dir}/${LOG_FILE_NAME}`;
  let size = 0;
  let dropped = 0;
  let droppedInOutage = 0;
  try {
    // An older install's logs, or a copied-in file, more open than owner-only: tightened.
    secureOwnerOnlyTree(fs, options.dir);
    size = fs.statSync(file).size;
  } catch {
    size = 0;
  }

  const rotate = (): void => {
    for (let index = keep - 1; index >= 1; index -= 1) {
      try {
        fs.renameSync(`${file}.${index}`, `${file}.${index + 1}`);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
    try {
      if (keep >= 1) fs.renameSync(file, `${file}.1`);
      else fs.rmSync(file, { force: true });
    } catch (error) {
      // The file (or its directory) is gone: there is nothing to rotate.
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    size = 0;
  };

  const append = (line: string): void => {
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) rotate();
    try {
      fs.appendFileSync(file, line, { mode: OWNER_ONLY_FILE_MODE });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      // The directory was removed under the kiosk: made again, not its parents (a data
      // directory that is gone is not this sink's to recreate).
      fs.mkdirSync(options.dir, { recursive: false, mode: OWNER_ONLY_DIR_MODE });
      size = 0;
      fs.appendFileSync(file, line, { mode: OWNER_ONLY_FILE_MODE });
    }
    size += bytes;
  };

  const lineOf = (record: LogRecord): string =>
    `${terminalJson({ at: new Date(record.at).toISOString(), level: record.level, message: record.message, ...record.fields })}\n`;

  return {
    file,
    dropped: () => dropped,
    write: (record) => {
      try {
        if (droppedInOutage > 0) {
          append(
            lineOf({
              at: record.at,
              level: 'warn',
              message: `${droppedInOutage} log records could not be written to this file and are lost`,
              fields: { dropped: droppedInOutage },
            }),
          );
          trouble(`log file ${file} is written again (${droppedInOutage} records lost)`);
          droppedInOutage = 0;
        }
        append(lineOf(record));
      } catch (error) {
        dropped += 1;
        droppedInOutage += 1;
        if (droppedInOutage === 1)
          trouble(`log file ${file} cannot be written (${errorCode(error) ?? messageOf(error)}): log records are lost until it can; everything else works on`);
      }
    },
  };
}
