import { describe, expect, it } from 'vitest';
import { parseScan } from '../../../../domain/credentials/parse-scan.js';
import { HidPosAssembler, trimIncompleteUtf8, type AssembledBarcode, type AssemblerResult } from '../../../../drivers/hid-pos/report-assembler.js';
import { HONEYWELL_LAYOUT, layoutForVendor, NEWLAND_LAYOUT, type HidPosLayout } from '../../../../drivers/hid-pos/report-layouts.js';
import {
  CCCD_QR_TEXT,
  HONEYWELL_CCCD_REPORTS,
  HONEYWELL_REVINF_ACK_REPORT,
  HONEYWELL_REVINF_REPORTS,
  HONEYWELL_REVINF_TEXT,
  honeywellReport,
  NEWLAND_CCCD_REPORTS,
  NEWLAND_CCCD_TEXT,
  NEWLAND_SERIAL_REPLY_REPORT,
} from './report-fixtures.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const bytes = (text: string): number[] => [...new TextEncoder().encode(text)];

/** Feeds reports 1 ms apart; returns every result. */
function feed(layout: HidPosLayout, reports: readonly (readonly number[])[], assembler = new HidPosAssembler(layout), startMs = 0): AssemblerResult[] {
  return reports.map((report, index) => assembler.push(Uint8Array.from(report), startMs + index));
}

function barcodes(results: readonly AssemblerResult[]): AssembledBarcode[] {
  return results.flatMap((result) => (result.kind === 'barcode' ? [result.barcode] : []));
}

describe('Honeywell layout (recorded reports)', () => {
  it('reassembles the six REVINF reports of a Voyager 1602g into one message', () => {
    const results = feed(HONEYWELL_LAYOUT, HONEYWELL_REVINF_REPORTS);
    expect(results.map((result) => result.kind)).toEqual(['partial', 'partial', 'partial', 'partial', 'partial', 'barcode']);
    const [message] = barcodes(results);
    expect(utf8.decode(message?.bytes)).toBe(HONEYWELL_REVINF_TEXT);
    expect(message).toMatchObject({ aim: ']X0', codeId: '?', overflow: false });
  });

  it('reads the single-report ACK that follows as a message of its own', () => {
    const [ack] = barcodes(feed(HONEYWELL_LAYOUT, [...HONEYWELL_REVINF_REPORTS, HONEYWELL_REVINF_ACK_REPORT]).slice(6));
    expect(ack?.bytes).toEqual(Uint8Array.from([...bytes('REVINF'), 0x06, 0x2e]));
    expect(ack).toMatchObject({ aim: ']Z6', codeId: '6' });
  });
});

describe('Honeywell layout: a chip ID card QR with Vietnamese names', () => {
  it('keeps the name whole although a report boundary cuts a letter in two', () => {
    const results = feed(HONEYWELL_LAYOUT, HONEYWELL_CCCD_REPORTS);
    const [barcode] = barcodes(results);
    expect(results.map((result) => result.kind)).toEqual(['partial', 'partial', 'barcode']);
    // The AIM identifier is recorded, never part of the payload.
    expect(utf8.decode(barcode?.bytes)).toBe(CCCD_QR_TEXT);
    expect(barcode).toMatchObject({ aim: ']Q1', codeId: 's' });
  });

  it('yields bytes the credential parser reads as the card (end to end, strict UTF-8)', () => {
    const [barcode] = barcodes(feed(HONEYWELL_LAYOUT, HONEYWELL_CCCD_REPORTS));
    const credential = parseScan(barcode?.bytes ?? new Uint8Array(), { now: Date.UTC(2026, 10, 23) });
    expect(credential).toMatchObject({ kind: 'cccd-qr' });
    expect(JSON.stringify(credential)).toContain('Nguyễn Thị Đức');
  });

  it('gets the layout by USB vendor id, with Honeywell as the default', () => {
    expect(layoutForVendor(0x0c2e)).toBe(HONEYWELL_LAYOUT);
    expect(layoutForVendor(0x1eab)).toBe(NEWLAND_LAYOUT);
    expect(layoutForVendor(0x1234)).toBe(HONEYWELL_LAYOUT);
    expect(layoutForVendor(undefined)).toBe(HONEYWELL_LAYOUT);
  });
});

describe('Newland layout', () => {
  it('reassembles a CCCD QR and lifts the AIM prefix off the data', () => {
    const results = feed(NEWLAND_LAYOUT, NEWLAND_CCCD_REPORTS);
    const [barcode] = barcodes(results);
    expect(results.map((result) => result.kind)).toEqual(['partial', 'partial', 'barcode']);
    expect(utf8.decode(barcode?.bytes)).toBe(NEWLAND_CCCD_TEXT);
    expect(barcode).toMatchObject({ aim: ']Q1', codeId: 'Q' });
  });

  it('reads the recorded FM30 report: length at byte 1, data from byte 2, no AIM prefix', () => {
    const [reply] = barcodes(feed(NEWLAND_LAYOUT, [NEWLAND_SERIAL_REPLY_REPORT]));
    expect(reply?.bytes).toEqual(Uint8Array.from(NEWLAND_SERIAL_REPLY_REPORT.slice(2, 16)));
    expect(reply?.aim).toBeUndefined();
    expect(reply?.codeId).toBeUndefined();
  });

  it('leaves a payload alone when it starts with "]" but not with an AIM identifier', () => {
    const report = new Array<number>(64).fill(0);
    report[0] = 0x02;
    const data = bytes(']]x pass');
    report[1] = data.length;
    data.forEach((byte, index) => (report[2 + index] = byte));
    const [barcode] = barcodes(feed(NEWLAND_LAYOUT, [report]));
    expect(utf8.decode(barcode?.bytes)).toBe(']]x pass');
    expect(barcode?.aim).toBeUndefined();
  });
});

describe('fail-safe reassembly', () => {
  const first = HONEYWELL_CCCD_REPORTS[0] ?? [];
  const last = HONEYWELL_CCCD_REPORTS[2] ?? [];

  it('never emits half a bar code when the next report is overdue, nor its tail', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT, { gapMs: 100, orphanWindowMs: 1_000 });
    expect(assembler.push(Uint8Array.from(first), 0).kind).toBe('partial');
    expect(assembler.expire(50)).toBe(false);
    expect(assembler.expire(101)).toBe(true);
    // The rest of the dropped bar code still arrives: dropped too, up to its last report.
    expect(assembler.push(Uint8Array.from(HONEYWELL_CCCD_REPORTS[1] ?? []), 150).kind).toBe('malformed');
    expect(assembler.push(Uint8Array.from(last), 151).kind).toBe('malformed');
    // A later scan is read normally.
    expect(barcodes(feed(HONEYWELL_LAYOUT, HONEYWELL_CCCD_REPORTS, assembler, 200))).toHaveLength(1);
  });

  it('reports the drop when the late report itself reveals it', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT, { gapMs: 100 });
    assembler.push(Uint8Array.from(first), 0);
    expect(assembler.push(Uint8Array.from(last), 500)).toMatchObject({ kind: 'malformed', droppedPartial: true });
  });

  it('treats slices after the orphan window as a new bar code', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT, { gapMs: 100, orphanWindowMs: 1_000 });
    assembler.push(Uint8Array.from(first), 0);
    assembler.expire(200);
    expect(barcodes(feed(HONEYWELL_LAYOUT, HONEYWELL_CCCD_REPORTS, assembler, 5_000))).toHaveLength(1);
  });

  it('drops a bar code with a malformed report in the middle', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT);
    assembler.push(Uint8Array.from(first), 0);
    const broken = [...(HONEYWELL_CCCD_REPORTS[1] ?? [])];
    broken[1] = 57; // longer than the 56-byte data field
    expect(assembler.push(Uint8Array.from(broken), 1)).toMatchObject({ kind: 'malformed', droppedPartial: true });
    expect(assembler.push(Uint8Array.from(last), 2).kind).toBe('malformed');
    expect(assembler.pending).toBe(false);
  });

  it('starts over when the symbology changes in the middle of a bar code', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT);
    assembler.push(Uint8Array.from(honeywellReport(bytes('half of a QR'), true, ']Q1')), 0);
    const result = assembler.push(Uint8Array.from(honeywellReport(bytes('4006381333931'), false, ']E0')), 1);
    expect(result).toMatchObject({ kind: 'barcode', droppedPartial: true });
    expect(result.kind === 'barcode' && utf8.decode(result.barcode.bytes)).toBe('4006381333931');
  });

  it('ignores other input reports of the interface, and refuses short ones', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT);
    assembler.push(Uint8Array.from(first), 0);
    expect(assembler.push(Uint8Array.from([0x04, 1, 2, 3]), 1).kind).toBe('ignored');
    expect(assembler.pending).toBe(true);
    expect(assembler.push(Uint8Array.from([0x02, 3, 0x5d, 0x51, 0x31, 0x41, 0x42, 0x43]), 2).kind).toBe('malformed');
  });

  it('marks an oversized bar code as overflow and cuts it on a UTF-8 boundary', () => {
    const assembler = new HidPosAssembler(HONEYWELL_LAYOUT, { maxBytes: 100 });
    const results = feed(HONEYWELL_LAYOUT, HONEYWELL_CCCD_REPORTS, assembler);
    const [barcode] = barcodes(results);
    expect(barcode?.overflow).toBe(true);
    expect(barcode?.bytes.length).toBeLessThanOrEqual(100);
    expect(CCCD_QR_TEXT.startsWith(utf8.decode(barcode?.bytes))).toBe(true);
  });

  it('trims only an incomplete trailing UTF-8 sequence', () => {
    const name = new TextEncoder().encode('Đứ'); // C4 90 | E1 BB A9
    expect(trimIncompleteUtf8(name)).toEqual(name);
    expect(utf8.decode(trimIncompleteUtf8(name.slice(0, 4)))).toBe('Đ');
    expect(utf8.decode(trimIncompleteUtf8(name.slice(0, 3)))).toBe('Đ');
    expect(utf8.decode(trimIncompleteUtf8(name.slice(0, 1)))).toBe('');
    expect(trimIncompleteUtf8(new Uint8Array())).toEqual(new Uint8Array());
  });
});
