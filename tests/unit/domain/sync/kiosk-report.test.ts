import { describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../../../domain/contract/kiosk-status.js';
import { decodeKioskReport, encodeKioskReport, kioskReportFrom, MAX_REPORT_HEADER_CHARS, type KioskReport } from '../../../../domain/sync/kiosk-report.js';
import { decodeBase64, encodeBase64 } from '../../../../domain/rules/signed-rule-set.js';

const FULL: KioskReport = {
  seq: 42,
  syncedAt: Date.parse('2021-11-20T01:00:00Z'),
  backlog: 17,
  ruleSet: { id: 'cao-bang-phase-3', version: '2021-11-15' },
  app: '0.1.0',
  flags: ['device-fault', 'out-of-date'],
};

const encodeJson = (value: unknown): string =>
  encodeBase64(new TextEncoder().encode(JSON.stringify(value)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('the kiosk report header', () => {
  it('round-trips a full report and an empty one, as base64url with no padding', () => {
    const header = encodeKioskReport(FULL);
    expect(header).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKioskReport(header)).toEqual({ ok: true, report: FULL });
    expect(decodeKioskReport(encodeKioskReport({ flags: [] }))).toEqual({ ok: true, report: { flags: [] } });
  });

  it('encodes base64 as Buffer does, for every tail length', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 31]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 0xff);
      expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
  });

  it('keeps a newer kiosk’s unknown field out and its unknown flag in', () => {
    const decoded = decodeKioskReport(encodeJson({ ...FULL, battery: 80, flags: ['paper-low', 'paper-low'] }));
    expect(decoded).toEqual({ ok: true, report: { ...FULL, flags: ['paper-low'] } });
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['too long', 'A'.repeat(MAX_REPORT_HEADER_CHARS + 1)],
    ['not base64url', 'eyJmbGFncyI6W119+'],
    ['not JSON', encodeBase64(new TextEncoder().encode('flags')).replace(/=+$/, '')],
    ['a list', encodeJson([])],
    ['a negative backlog', encodeJson({ flags: [], backlog: -1 })],
    ['a fractional sequence', encodeJson({ flags: [], seq: 1.5 })],
    ['a backlog beyond any kiosk', encodeJson({ flags: [], backlog: 2e9 })],
    ['a rule set without its version', encodeJson({ flags: [], ruleSet: { id: 'x' } })],
    ['a control character in the app version', encodeJson({ flags: [], app: '1.0\u001b[31m' })],
    ['an app version of 81 characters', encodeJson({ flags: [], app: 'v'.repeat(81) })],
    ['a flag with a comma', encodeJson({ flags: ['a,b'] })],
    ['nine flags', encodeJson({ flags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] })],
  ])('refuses a header that is %s', (_label, header) => {
    expect(decodeKioskReport(header).ok).toBe(false);
  });
});

describe('kioskReportFrom', () => {
  const status = (overrides: Partial<KioskStatus>): KioskStatus => ({
    sync: { state: 'idle' },
    staleAfterMs: 24 * 3600_000,
    dataLine: { level: 'fresh', glyph: '●', vi: '', en: '' },
    readiness: { state: 'ready', glyph: '', headline: { vi: '', en: '' }, line: { vi: '', en: '' }, advice: { vi: '', en: '' } },
    ruleSet: { id: 'vn-default', version: '3' },
    ...overrides,
  });

  it('reports the data, the backlog, the rule set and the version, and no flag when all is well', () => {
    const report = kioskReportFrom(status({ watermark: 9, dataSyncedAt: 1000, upload: { state: 'idle', pending: 3 } }), '1.2.3');
    expect(report).toEqual({ seq: 9, syncedAt: 1000, backlog: 3, ruleSet: { id: 'vn-default', version: '3' }, app: '1.2.3', flags: [] });
  });

  it('flags what the screen would show: not ready, out of date, a faulted device, a failing sync or upload', () => {
    const notReady = status({ readiness: { ...status({}).readiness, state: 'not-ready' } });
    expect(kioskReportFrom(notReady, '1').flags).toEqual(['not-ready']);
    const everything = status({
      readiness: { ...status({}).readiness, state: 'out-of-date' },
      devices: [
        { id: '/dev/ttyACM0', kind: 'serial-scanner', state: 'fault', lane: '1' },
        { id: '/dev/ttyUSB0', kind: 'serial-relay', state: 'ready', lane: '1' },
      ],
      sync: { state: 'error', lastError: { code: 'sync.refused', message: '' } },
      upload: { state: 'error', pending: 250 },
    });
    expect(kioskReportFrom(everything, '1').flags).toEqual(['out-of-date', 'device-fault', 'sync-error', 'upload-error']);
    // Whatever the kiosk reports, the hub can read it back.
    expect(decodeKioskReport(encodeKioskReport(kioskReportFrom(everything, '1'))).ok).toBe(true);
  });
});
