import { describe, expect, it } from 'vitest';
import type { WedgeSettings } from '../../../domain/contract/kiosk-api.js';
import { KeystrokeFramer, type FramedScan } from '../../../renderer/wedge/keystroke-framer.js';
import { DEFAULT_WEDGE_SETTINGS } from '../../../main/core/kiosk-core.js';

const SETTINGS: WedgeSettings = { maxInterKeyMs: 50, minLength: 6, suffixKey: 'Enter', maxLength: 100 };

/** Feeds `text` one key every `gapMs`, then the suffix after `suffixGapMs`; returns the scans framed. */
function feed(text: string, gapMs: number, suffixGapMs = gapMs, settings = SETTINGS): FramedScan[] {
  const scans: FramedScan[] = [];
  const framer = new KeystrokeFramer(settings, (scan) => scans.push(scan));
  let t = 1000;
  for (const char of text) {
    framer.character(char, t);
    t += gapMs;
  }
  framer.suffix(t - gapMs + suffixGapMs);
  return scans;
}

describe('KeystrokeFramer', () => {
  it.each([
    ['scanner speed (2 ms)', 'ABCDEFGH', 2, 2, ['ABCDEFGH']],
    ['10 ms apart', '001089000001|x', 10, 10, ['001089000001|x']],
    ['right at the threshold', 'ABCDEFGH', 50, 50, ['ABCDEFGH']],
    ['a person typing 150 ms apart', 'ABCDEFGH', 150, 150, []],
    ['just over the threshold', 'ABCDEFGH', 51, 51, []],
    ['too short to be a scan', 'ABCDE', 2, 2, []],
    ['Enter typed by hand after a fast burst', 'ABCDEFGH', 2, 400, []],
    ['Vietnamese letters', 'Nguyễn Văn An', 3, 3, ['Nguyễn Văn An']],
  ])('%s', (_label, text, gap, suffixGap, expected) => {
    expect(feed(text, gap, suffixGap).map((s) => s.text)).toEqual(expected);
  });

  it('a pause in the middle starts a new burst: only the tail is a scan', () => {
    const scans: string[] = [];
    const framer = new KeystrokeFramer(SETTINGS, (scan) => scans.push(scan.text));
    'hello'.split('').forEach((c, i) => framer.character(c, i * 200));
    'SCANNED1'.split('').forEach((c, i) => framer.character(c, 2000 + i * 3));
    framer.suffix(2030);
    expect(scans).toEqual(['SCANNED1']);
  });

  it('a scan cut in two by a pause (the scanner stalled mid-code) frames its tail marked with what was lost before it', () => {
    const scans: FramedScan[] = [];
    const framer = new KeystrokeFramer(SETTINGS, (scan) => scans.push(scan));
    const code = '001089000001|123456789|Nguyen Van An|01011990|Nam|1 Tran Phu|01012021';
    const head = code.slice(0, 20);
    [...head].forEach((c, i) => framer.character(c, i * 3));
    // 120 ms of silence, then the rest at scanner speed and its suffix.
    const tailStart = (head.length - 1) * 3 + 120;
    [...code.slice(20)].forEach((c, i) => framer.character(c, tailStart + i * 3));
    framer.suffix(tailStart + (code.length - 20) * 3);
    expect(scans).toHaveLength(1);
    expect(scans[0]?.text).toBe(code.slice(20));
    expect(scans[0]?.startLost).toBe(20);
  });

  it('a cut burst long before the next scan, or a person typing before it, marks nothing', () => {
    const scans: FramedScan[] = [];
    const framer = new KeystrokeFramer(SETTINGS, (scan) => scans.push(scan));
    [...'ABCDEFGHIJ'].forEach((c, i) => framer.character(c, i * 3));
    [...'SECOND-CODE'].forEach((c, i) => framer.character(c, 5000 + i * 3));
    framer.suffix(5040);
    'hello'.split('').forEach((c, i) => framer.character(c, 6000 + i * 200));
    [...'THIRD-CODE'].forEach((c, i) => framer.character(c, 7000 + i * 3));
    framer.suffix(7040);
    expect(scans.map((scan) => [scan.text, scan.startLost])).toEqual([
      ['SECOND-CODE', undefined],
      ['THIRD-CODE', undefined],
    ]);
  });

  it('cuts an over-long burst and flags it', () => {
    const [scan] = feed('x'.repeat(250), 1);
    expect(scan?.overflow).toBe(true);
    expect(scan?.text.length).toBe(SETTINGS.maxLength);
  });

  it('frames back-to-back scans separately and reports when each ended', () => {
    const scans: FramedScan[] = [];
    const framer = new KeystrokeFramer(SETTINGS, (scan) => scans.push(scan));
    for (const [start, text] of [
      [0, 'FIRST-CODE'],
      [40, 'SECOND-CODE'],
    ] as const) {
      [...text].forEach((c, i) => framer.character(c, start + i));
      framer.suffix(start + text.length);
    }
    expect(scans.map((s) => [s.text, s.endedAt])).toEqual([
      ['FIRST-CODE', 10],
      ['SECOND-CODE', 51],
    ]);
  });

  it('the shipped defaults frame scanner-speed keys and ignore 150 ms typing', () => {
    const qr = '056089001234|225123456|Nguyễn Văn An|15031989|Nam|x|10072021';
    expect(feed(qr, 10, 10, DEFAULT_WEDGE_SETTINGS)).toHaveLength(1);
    expect(feed(qr, 150, 150, DEFAULT_WEDGE_SETTINGS)).toHaveLength(0);
  });
});
