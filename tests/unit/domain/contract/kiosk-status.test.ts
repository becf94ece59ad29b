import { describe, expect, it } from 'vitest';
import { describeDataAge, describeUpload, formatAge, UPLOAD_BACKLOG_NOTICE, type DataStatus } from '../../../../domain/contract/kiosk-status.js';

const HOUR = 3_600_000;
const status = (over: Partial<DataStatus>): DataStatus => ({ sync: { state: 'idle' }, staleAfterMs: 24 * HOUR, ...over });

describe('formatAge', () => {
  it.each([
    [0, 'vừa xong', 'just now'],
    [59_999, 'vừa xong', 'just now'],
    [5 * 60_000, '5 phút trước', '5 min ago'],
    [119 * 60_000, '119 phút trước', '119 min ago'],
    [2 * HOUR, '2 giờ trước', '2 h ago'],
    [47 * HOUR, '47 giờ trước', '47 h ago'],
    [72 * HOUR, '3 ngày trước', '3 days ago'],
    [-5_000, 'vừa xong', 'just now'],
  ])('%d ms → %s / %s', (ms, vi, en) => {
    expect(formatAge(ms)).toEqual({ vi, en });
  });
});

describe('describeDataAge', () => {
  it('is fresh below half the stale threshold, aging above it, stale above the threshold', () => {
    expect(describeDataAge(status({ dataAgeMs: 11 * HOUR })).level).toBe('fresh');
    expect(describeDataAge(status({ dataAgeMs: 13 * HOUR })).level).toBe('aging');
    const stale = describeDataAge(status({ dataAgeMs: 25 * HOUR }));
    expect(stale).toMatchObject({ level: 'stale', vi: 'Dữ liệu CŨ — cập nhật 25 giờ trước', en: 'Data OUT OF DATE — updated 25 h ago' });
  });

  it('gives every level its own glyph, so the line does not rely on colour', () => {
    const glyphs = [status({}), status({ dataAgeMs: 0 }), status({ dataAgeMs: 13 * HOUR }), status({ dataAgeMs: 30 * HOUR })].map(
      (s) => describeDataAge(s).glyph,
    );
    expect(new Set(glyphs).size).toBe(4);
  });

  it('says what the sync is doing when it is not simply idle', () => {
    expect(describeDataAge(status({ dataAgeMs: 5 * 60_000, sync: { state: 'offline' } }))).toMatchObject({
      vi: 'Dữ liệu cập nhật 5 phút trước · mất kết nối máy chủ',
      en: 'Data updated 5 min ago · hub unreachable',
    });
    expect(describeDataAge(status({ dataAgeMs: 0 })).en).toBe('Data updated just now');
    expect(describeDataAge(status({ sync: { state: 'not-enrolled' } }))).toMatchObject({
      level: 'unknown',
      en: 'Data: never synced · not enrolled with a hub',
    });
  });
});

describe('describeUpload', () => {
  it('says nothing while the upload keeps up, or while a small backlog waits offline', () => {
    expect(describeUpload({ state: 'idle', pending: 3 })).toBeUndefined();
    expect(describeUpload({ state: 'uploading', pending: 50_000 })).toBeUndefined();
    expect(describeUpload({ state: 'offline', pending: UPLOAD_BACKLOG_NOTICE - 1 })).toBeUndefined();
  });

  it('shows a backlog building while the hub is unreachable, with a shape, in both languages', () => {
    expect(describeUpload({ state: 'offline', pending: 12_345 })).toEqual({
      level: 'aging',
      glyph: '◐',
      vi: 'Nhật ký: 12.345 lượt chờ gửi (mất kết nối)',
      en: 'Log: 12345 entries waiting (hub unreachable)',
    });
  });

  it('names a refusal that needs an administrator', () => {
    const noted = describeUpload({ state: 'error', pending: 0, lastError: { code: 'upload.entries-noted', message: 'entry 6: its time is before 2021' } });
    expect(noted?.en).toBe('Log: the hub noted scans with a wrong time or place — check the clock, report the kiosk (0 not uploaded)');
    const line = describeUpload({ state: 'error', pending: 20, lastError: { code: 'upload.entries-flagged', message: 'entry 7 does not match its hash' } });
    expect(line).toMatchObject({ level: 'stale', glyph: '▲' });
    expect(line?.vi).toContain('nhật ký bị sửa');
    expect(line?.en).toBe('Log: the hub found edited log entries — report the kiosk (20 not uploaded)');
    expect(describeUpload({ state: 'error', pending: 0, lastError: { code: 'unavailable', message: 'x' } })?.en).toBe(
      'Log: log upload failing (0 not uploaded)',
    );
  });
});
