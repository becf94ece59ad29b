import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.js';
import { LOG_FILE_NAME, rotatingFileSink } from '../../../platform/logging/rotating-file-sink.js';
import { tempDataDir } from '../../support/kiosk-process.js';

const mode = (path: string): number => statSync(path).mode & 0o777;
const jsonLines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('rotating log files', () => {
  it('writes one JSON record per line, owner-only, in a directory it makes owner-only', () => {
    const dir = join(tempDataDir('chot-logs-'), 'logs');
    const sink = rotatingFileSink({ dir });
    createLogger({ sinks: [sink], now: () => Date.UTC(2026, 11, 6, 1, 2, 3) })
      .child({ component: 'upload' })
      .warn('upload refused', { status: 409, batch: 12 });
    expect(jsonLines(join(dir, LOG_FILE_NAME))).toEqual([
      { at: '2026-12-06T01:02:03.000Z', level: 'warn', message: 'upload refused', component: 'upload', status: 409, batch: 12 },
    ]);
    if (process.platform !== 'win32') {
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, LOG_FILE_NAME))).toBe(0o600);
    }
  });

  it('tightens an older, more open log directory and file', () => {
    const dir = join(tempDataDir('chot-logs-'), 'logs');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, LOG_FILE_NAME), '', { mode: 0o644 });
    chmodSync(join(dir, LOG_FILE_NAME), 0o644);
    rotatingFileSink({ dir });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, LOG_FILE_NAME))).toBe(0o600);
  });

  it('never holds more than (keep + 1) files of maxBytes, whatever is written; the newest records are in the current file', () => {
    const dir = join(tempDataDir('chot-logs-'), 'logs');
    const maxBytes = 2_000;
    const logger = createLogger({ sinks: [rotatingFileSink({ dir, maxBytes, keep: 3 })] });
    for (let index = 0; index < 5_000; index += 1) logger.info('a scan was decided', { entry: index, outcome: 'green' });
    const files = readdirSync(dir).sort();
    expect(files).toEqual([LOG_FILE_NAME, `${LOG_FILE_NAME}.1`, `${LOG_FILE_NAME}.2`, `${LOG_FILE_NAME}.3`]);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(maxBytes);
    const current = jsonLines(join(dir, LOG_FILE_NAME));
    expect(current.at(-1)?.entry).toBe(4_999);
    // The rotated files follow each other: .1 ends just before the current file begins.
    expect(jsonLines(join(dir, `${LOG_FILE_NAME}.1`)).at(-1)?.entry).toBe((current[0]?.entry as number) - 1);
    const older = jsonLines(join(dir, `${LOG_FILE_NAME}.3`));
    expect(older.at(-1)?.entry).toBe((jsonLines(join(dir, `${LOG_FILE_NAME}.2`))[0]?.entry as number) - 1);
  });

  it('appends to the file an earlier run left, counting its size toward the cap', () => {
    const dir = join(tempDataDir('chot-logs-'), 'logs');
    createLogger({ sinks: [rotatingFileSink({ dir, maxBytes: 300 })] }).info('first run', { pad: 'x'.repeat(200) });
    createLogger({ sinks: [rotatingFileSink({ dir, maxBytes: 300 })] }).info('second run', { pad: 'y'.repeat(200) });
    expect(jsonLines(join(dir, LOG_FILE_NAME)).map((record) => record.message)).toEqual(['second run']);
    expect(jsonLines(join(dir, `${LOG_FILE_NAME}.1`)).map((record) => record.message)).toEqual(['first run']);
  });

  it('a full disk costs the records, not the caller: counted, said once, and the loss is recorded when it can write again', () => {
    if (!existsSync('/dev/full')) return;
    const dir = join(tempDataDir('chot-logs-'), 'logs');
    mkdirSync(dir, { mode: 0o700 });
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(dir, LOG_FILE_NAME));
    const trouble: string[] = [];
    const sink = rotatingFileSink({ dir, trouble: (line) => void trouble.push(line) });
    const logger = createLogger({ sinks: [sink] });
    for (let index = 0; index < 10; index += 1) expect(() => logger.error('the gate relay did not answer', { entry: index })).not.toThrow();
    expect(sink.dropped()).toBe(10);
    expect(trouble).toHaveLength(1);
    expect(trouble[0]).toMatch(/cannot be written \(ENOSPC\)/);
    // Space again (the link replaced by a real file): the first record says what was lost.
    rmSync(join(dir, LOG_FILE_NAME));
    logger.info('back');
    expect(jsonLines(join(dir, LOG_FILE_NAME)).map((record) => record.message)).toEqual([
      '10 log records could not be written to this file and are lost',
      'back',
    ]);
    expect(trouble).toHaveLength(2);
  });

  it('a log directory removed under the running process is made again; a vanished data directory costs the records only', () => {
    const dataDir = tempDataDir('chot-logs-');
    const dir = join(dataDir, 'logs');
    const trouble: string[] = [];
    const sink = rotatingFileSink({ dir, maxBytes: 500, trouble: (line) => void trouble.push(line) });
    const logger = createLogger({ sinks: [sink] });
    logger.info('before');
    rmSync(dir, { recursive: true });
    logger.info('after the directory was removed');
    expect(jsonLines(join(dir, LOG_FILE_NAME)).map((record) => record.message)).toEqual(['after the directory was removed']);
    if (process.platform !== 'win32') expect(mode(dir)).toBe(0o700);
    rmSync(dataDir, { recursive: true });
    for (let index = 0; index < 20; index += 1) expect(() => logger.warn('nowhere to go', { pad: 'z'.repeat(100) })).not.toThrow();
    expect(sink.dropped()).toBe(20);
    expect(trouble).toHaveLength(1);
    expect(existsSync(dataDir)).toBe(false);
  });
});
