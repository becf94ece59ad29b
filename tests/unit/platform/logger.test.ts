import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, lineLog, type LogRecord } from '../../../platform/logging/logger.js';
import { LogLevelError, logLevelFrom, openProcessLogger } from '../../../platform/logging/open-logger.js';
import { tempDataDir } from '../../support/kiosk-process.js';
import { formatLogLine, stderrSink } from '../../../platform/logging/stderr-sink.js';

function collecting(level?: 'debug' | 'info' | 'warn' | 'error') {
  const records: LogRecord[] = [];
  const logger = createLogger({
    sinks: [{ write: (record) => void records.push(record) }],
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    ...(level === undefined ? {} : { level }),
  });
  return { logger, records };
}

describe('logger levels', () => {
  it('drops what is below the threshold, info by default', () => {
    const { logger, records } = collecting();
    logger.debug('not written');
    logger.info('written');
    logger.warn('a warning');
    logger.error('an error');
    expect(records.map((record) => [record.level, record.message])).toEqual([
      ['info', 'written'],
      ['warn', 'a warning'],
      ['error', 'an error'],
    ]);
    expect(logger.enabled('debug')).toBe(false);
    expect(logger.enabled('warn')).toBe(true);
  });

  it('debug writes everything, error only errors', () => {
    const debug = collecting('debug');
    const error = collecting('error');
    for (const { logger } of [debug, error]) {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    }
    expect(debug.records.map((record) => record.level)).toEqual(['debug', 'info', 'warn', 'error']);
    expect(error.records.map((record) => record.level)).toEqual(['error']);
  });

  it('the threshold comes from the option, else CHOT_LOG_LEVEL, else info; a wrong one is an error naming where it came from', () => {
    expect(logLevelFrom(undefined, {})).toBe('info');
    expect(logLevelFrom(undefined, { CHOT_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelFrom('warn', { CHOT_LOG_LEVEL: 'debug' })).toBe('warn');
    expect(() => logLevelFrom('loud', {})).toThrow(/--log-level must be debug, info, warn or error/);
    expect(() => logLevelFrom(undefined, { CHOT_LOG_LEVEL: 'verbose' })).toThrow(LogLevelError);
  });
});

describe('logger fields and children', () => {
  it('a record carries its fields, its time and level; a child adds its own to every record', () => {
    const { logger, records } = collecting();
    const upload = logger.child({ component: 'upload' });
    upload.warn('upload refused', { status: 409, batch: 12, retry: true, missing: undefined });
    logger.info('plain');
    expect(records[0]).toEqual({
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
      level: 'warn',
      message: 'upload refused',
      fields: { component: 'upload', status: 409, batch: 12, retry: true },
    });
    expect(records[1]?.fields).toEqual({});
    expect(upload.child({ lane: '2' }).level).toBe('info');
  });

  it('the human line is the message, then key=value, quoting values with spaces', () => {
    const { logger, records } = collecting();
    logger.child({ component: 'sync' }).warn('sync offline', { code: 'sync.network', detail: 'connect ECONNREFUSED 127.0.0.1:8080' });
    expect(formatLogLine(records[0] as LogRecord)).toBe('sync offline component=sync code=sync.network detail="connect ECONNREFUSED 127.0.0.1:8080"');
  });

  it('stderr gets `chot: ` and the human line, escaped for a terminal', () => {
    let written = '';
    const logger = createLogger({ sinks: [stderrSink({ stream: { write: (text: string) => (written += text) } })] });
    logger.info('a page connected\u001b[2J', { from: 'x\u202ey' });
    expect(written).toBe('chot: a page connected\\x1b[2J from=x\\u{202e}y\n');
  });

  it('a sink that throws costs its own line, never the caller, and the other sinks still write', () => {
    const records: LogRecord[] = [];
    const logger = createLogger({
      sinks: [
        {
          write: () => {
            throw new Error('broken sink');
          },
        },
        { write: (record) => void records.push(record) },
      ],
    });
    expect(() => logger.error('still logged')).not.toThrow();
    expect(records.map((record) => record.message)).toEqual(['still logged']);
  });

  it('a line port writes each line at its level', () => {
    const { logger, records } = collecting();
    lineLog(logger, 'warn')('relay fault');
    lineLog(logger)('ready');
    expect(records.map((record) => [record.level, record.message])).toEqual([
      ['warn', 'relay fault'],
      ['info', 'ready'],
    ]);
  });
});

describe('a process logger', () => {
  it('writes stderr and the files; a file it cannot write is said once on its stderr, and stderr keeps every record', () => {
    const dataDir = tempDataDir('chot-process-logger-');
    let stderr = '';
    const logger = openProcessLogger({ logDir: join(dataDir, 'logs'), stderr: { write: (text: string) => (stderr += text) } });
    rmSync(dataDir, { recursive: true });
    for (let index = 0; index < 3; index += 1) logger.warn('relay fault', { entry: index });
    logger.close();
    expect(stderr.match(/cannot be written/g)).toHaveLength(1);
    expect(stderr.match(/^chot: relay fault entry=\d$/gm)).toHaveLength(3);
  });
});
