import { describe, expect, it } from 'vitest';
import { uploadLogLine } from '../../../../main/upload/upload-log-line.js';

describe('the upload’s log line says what the hub holds', () => {
  it('before any receipt: nothing uploaded yet, never a range “1–0”', () => {
    const line = uploadLogLine({ state: 'idle', watermark: 0 });
    expect(line).toBe('upload idle: nothing uploaded yet');
    expect(line).not.toMatch(/1–0/);
  });

  it('one entry, then a range', () => {
    expect(uploadLogLine({ state: 'idle', watermark: 1 })).toBe('upload idle: the hub holds entry 1');
    expect(uploadLogLine({ state: 'idle', watermark: 3 })).toBe('upload idle: the hub holds entries 1–3');
  });

  it('a failure says the failure', () => {
    expect(uploadLogLine({ state: 'offline', watermark: 0, lastError: { code: 'hub.unreachable', message: 'ECONNREFUSED', at: 0 } })).toBe(
      'upload offline: hub.unreachable: ECONNREFUSED',
    );
  });
});
