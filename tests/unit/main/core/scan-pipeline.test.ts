import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { ChipCredential } from '../../../../domain/credentials/credential.js';
import { ChipReadError } from '../../../../domain/chip/read-chip-errors.js';
import { CHIP_UNREAD_HEADLINE } from '../../../../domain/verdict/chip-read-failure.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { RuleSetRepository } from '../../../../main/rules/rule-set-repository.js';
import { ScanPipeline, type EntryStation } from '../../../../main/core/scan-pipeline.js';
import { demoCards, demoRecords } from '../../../../main/demo/demo-people.js';
import { saveHubConfig } from '../../../../main/hub-client/hub-config.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { FactsStore } from '../../../../main/store/facts-store.js';
import { openFactsDatabase } from '../../../../main/store/facts-database.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { encodeHexUtf8 as hexUtf8 } from '../../../../domain/text/hex-utf8.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');

function setup(station?: EntryStation) {
  const db = openKioskDatabase(':memory:');
  const facts = new FactsStore(openFactsDatabase(':memory:'));
  facts.upsertMany(demoRecords(NOW));
  const log = new EntryLog(db);
  facts.markSynced(NOW - 3600_000);
  const rules = new RuleSetRepository(undefined, undefined);
  const pipeline = new ScanPipeline({
    facts,
    log,
    rulesAt: (at) => rules.inForce(at),
    now: () => NOW,
    trust: {},
    ...(station === undefined ? {} : { station }),
  });
  return { db, log, pipeline, facts };
}

const scan = (text: string, overflow = false): ScanEvent => ({
  source: { kind: 'wedge', deviceId: 'keyboard' },
  text,
  overflow,
  at: new Date(NOW).toISOString(),
});

describe('ScanPipeline', () => {
  it.each(demoCards().map((card) => [card.label, card.expected, card.qrText] as const))('demo person %s is %s', (_label, expected, qrText) => {
    const { pipeline, log } = setup();
    const verdict = pipeline.decide(scan(qrText));
    expect(verdict.outcome).toBe(expected);
    expect(log.get(verdict.entrySeq)?.outcome).toBe(expected);
    expect(log.get(verdict.entrySeq)?.personId).toBe(qrText.slice(0, 12));
  });

  it('shows the name and birth year from the card, and only the last 4 digits of the ID', () => {
    const verdict = setup().pipeline.decide(scan(demoCards()[0]?.qrText ?? ''));
    expect(verdict.subject).toEqual({ name: 'Nguyễn Văn An', birthYear: 1989, idTail: '1234', idLabel: 'CCCD' });
    // A CCCD QR carries no signature: green, but the gate waits for staff (staff-confirm.test.ts).
    expect(verdict.gate.open).toBe(false);
    expect(verdict.ruleSet).toEqual({ id: 'khanh-hoa-2021-10', version: '1.2.0' });
  });

  it('an expired health-insurance card still identifies: the colour from the facts, the expiry said beside it and logged', () => {
    const { pipeline, log, facts } = setup();
    const an = demoRecords(NOW).find((p) => p.id12 === '056089001234');
    facts.upsertMany([{ id12: '056089001234', bhxh: '7931775688', facts: an?.facts ?? { doses: [], tests: [], quarantine: [] } }]);
    const card = (validTo: string): string =>
      [
        'GD4797931775688',
        hexUtf8('Nguyễn Văn An'),
        '15/03/1989',
        '1',
        '-',
        '79 - 033',
        '01/01/2021',
        validTo,
        '01/01/2021',
        '79079',
        '-',
        '4',
        '-',
        '-',
        '$',
      ].join('|');
    const valid = pipeline.decide(scan(card('31/12/2021')));
    expect(valid.outcome).toBe('green');
    expect(valid.reasons.map((r) => r.code)).not.toContain('bhyt.expired');
    const expired = pipeline.decide(scan(card('30/09/2021')));
    expect(expired.outcome).toBe('green');
    expect(expired.reasons.map((r) => r.code)).toContain('bhyt.expired');
    // The number shown is the card's BHXH number, labelled as the insurance card it is, not "CCCD".
    expect(expired.subject).toMatchObject({ idTail: '5688', idLabel: 'BHYT' });
    expect(log.get(expired.entrySeq)).toMatchObject({ personId: '7931775688', reasonCodes: expect.arrayContaining(['bhyt.expired']) });
  });

  it('looks a person up by the old ID when the new one is unknown', () => {
    const verdict = setup().pipeline.decide(scan('056089009998|225123456|Nguyễn Văn An|15031989|Nam|x|10072021'));
    expect(verdict.outcome).toBe('green');
  });

  it.each([
    ['an empty scan', '', 'scan.empty'],
    ['10 KB of random keystrokes', Array.from({ length: 10_240 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(''), 'scan.too-long'],
    ['a string with no “|”', 'https://example.com/not-a-card', 'scan.unrecognised'],
  ])('%s gets a logged “cannot read this code” verdict', (_label, text, code) => {
    const { pipeline, log } = setup();
    const verdict = pipeline.decide(scan(text));
    expect(verdict.outcome).toBe('none');
    expect(verdict.headline).toEqual({ vi: 'KHÔNG ĐỌC ĐƯỢC MÃ', en: 'Cannot read this code' });
    expect(verdict.reasons.map((r) => r.code)).toEqual([code]);
    expect(verdict.gate.open).toBe(false);
    expect(log.get(verdict.entrySeq)).toMatchObject({ outcome: 'none', credentialKind: 'unknown', personId: null, reasonCodes: [code] });
  });

  it('a burst the framer cut is refused as too long, whatever its text', () => {
    const verdict = setup().pipeline.decide(scan(demoCards()[0]?.qrText ?? '', true));
    expect(verdict.reasons.map((r) => r.code)).toEqual(['scan.too-long']);
  });

  it('a tail the framer cut from its code is "scan again" and logged, even when the tail would parse as a code', () => {
    const { pipeline, log } = setup();
    // A tail that is itself a whole demo card: judged alone, it would get that person's colour.
    const verdict = pipeline.decide({ ...scan(demoCards()[0]?.qrText ?? ''), startLost: 20 });
    expect(verdict.outcome).toBe('none');
    expect(verdict.reasons.map((r) => r.code)).toEqual(['scan.start-missing']);
    expect(verdict.headline).toEqual({ vi: 'QUÉT LẠI', en: 'Scan again' });
    expect(log.get(verdict.entrySeq)).toMatchObject({ outcome: 'none', personId: null, reasonCodes: ['scan.start-missing'] });
  });

  it('shows no verdict when the entry cannot be committed', () => {
    const { db, pipeline } = setup();
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON entry BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => pipeline.decide(scan(demoCards()[0]?.qrText ?? ''))).toThrow(/disk full/);
  });

  it('logs the entry in format 4 with the station, the reading device and no override', () => {
    const station: EntryStation = { kioskId: 'k-0123456789abcdef', location: 'Bến xe phía Nam', lane: '3', direction: 'alighting' };
    const { pipeline, log } = setup(station);
    const verdict = pipeline.decide(scan(demoCards()[0]?.qrText ?? ''));
    expect(log.get(verdict.entrySeq)).toMatchObject({
      format: 4,
      ...station,
      sourceKind: 'wedge',
      sourceDeviceId: 'keyboard',
      at: '2021-10-20T08:00:00.000+07:00',
      ruleSet: 'khanh-hoa-2021-10@1.2.0',
      override: null,
    });
    expect(log.verify()).toMatchObject({ ok: true, entries: 1 });
  });

  it('an unenrolled kiosk logs as “unenrolled”, at lane 1, going in', () => {
    const { pipeline, log } = setup();
    const verdict = pipeline.decide(scan(''));
    expect(log.get(verdict.entrySeq)).toMatchObject({ kioskId: 'unenrolled', location: '', lane: '1', direction: 'in' });
  });
});

describe('KioskCore: who logs the entries, and where', () => {
  async function firstEntry(dataDir: string, gate?: { lane: string; direction: 'out' }) {
    const core = KioskCore.open({ dataDir, demo: true, now: () => NOW, ...(gate === undefined ? {} : { gate }) });
    try {
      await core.submitScan({ source: { kind: 'serial', deviceId: 'ttyACM0' }, text: demoCards()[0]?.qrText ?? '' });
    } finally {
      core.close();
    }
    const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
    try {
      return new EntryLog(db).get(1);
    } finally {
      db.close();
    }
  }

  it('takes the kiosk id and location from hub.json, and lane and direction from the gate option', async () => {
    const dataDir = tempDataDir('chot-station-');
    saveHubConfig(dataDir, {
      url: 'https://hub.example/',
      deviceId: 'k-00000000000000aa',
      location: 'Cổng Nam, Chợ Đầm',
      enrolledAt: '2021-10-20T01:00:00.000Z',
    });
    expect(await firstEntry(dataDir, { lane: 'B2', direction: 'out' })).toMatchObject({
      kioskId: 'k-00000000000000aa',
      location: 'Cổng Nam, Chợ Đầm',
      lane: 'B2',
      direction: 'out',
      sourceKind: 'serial',
      sourceDeviceId: 'ttyACM0',
    });
  });

  it('without hub.json or a gate option: unenrolled, lane 1, in', async () => {
    expect(await firstEntry(tempDataDir('chot-station-'))).toMatchObject({ kioskId: 'unenrolled', location: '', lane: '1', direction: 'in' });
  });
});

describe('ScanPipeline.decideChip: a chip card read, through the same commit as any scan', () => {
  const chipSource = { kind: 'chip', deviceId: 'Virtual PCD 00 00' } as const;
  const chip: ChipCredential = {
    kind: 'chip',
    authenticity: 'chip-verified',
    identifiers: { id12: '056089001234' },
    subject: { name: 'Nguyễn Văn An', birthDate: '1989-03-15', sex: 'Nam' },
    problems: [],
    chip: { accessPath: 'pace-can', passive: 'chip-verified', active: 'passed' },
  };

  it('a read chip: facts by its ID, the rules, the entry as chip from the reader at its gate, Verdict.chip with the face', () => {
    const { pipeline, log } = setup();
    const photo = { mime: 'image/jpeg', base64: '/9j/AA==' } as const;
    const verdict = pipeline.decideChip({ ok: true, credential: chip, photo }, chipSource, { lane: '4', direction: 'out' });
    expect(verdict).toMatchObject({
      outcome: 'green',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      // The default gate policy opens for chip-verified on green.
      gate: { open: true },
      subject: { name: 'Nguyễn Văn An', birthYear: 1989, idTail: '1234', idLabel: 'CCCD' },
      chip: { accessPath: 'pace-can', passive: 'chip-verified', active: 'passed', photo },
    });
    expect(log.get(verdict.entrySeq)).toMatchObject({
      sourceKind: 'chip',
      sourceDeviceId: 'Virtual PCD 00 00',
      credentialKind: 'chip',
      authenticity: 'chip-verified',
      personId: '056089001234',
      outcome: 'green',
      lane: '4',
      direction: 'out',
      documentSigner: null,
    });
    // The document signer that vouched for the chip's data is logged with its entry (format 3).
    const signed = pipeline.decideChip({ ok: true, credential: { ...chip, documentSigner: 'C=VN, CN=DS 3#0a1b' } }, chipSource);
    expect(log.get(signed.entrySeq)).toMatchObject({ credentialKind: 'chip', documentSigner: 'C=VN, CN=DS 3#0a1b' });
    expect(log.verify()).toMatchObject({ ok: true });
  });

  it('a read that failed: a logged verdict with no colour, the reason, and the person the key came from', () => {
    const { pipeline, log } = setup();
    const reason = new ChipReadError('chip.wrong-key', 'BAC refused').reason;
    const verdict = pipeline.decideChip({ ok: false, reason, authenticity: 'none', personId: '079195004321' }, chipSource);
    expect(verdict).toMatchObject({ outcome: 'none', credentialKind: 'chip', authenticity: 'none', reasons: [reason], gate: { open: false } });
    expect(verdict.headline).toEqual(CHIP_UNREAD_HEADLINE);
    expect(verdict.chip).toBeUndefined();
    expect(log.get(verdict.entrySeq)).toMatchObject({
      sourceKind: 'chip',
      credentialKind: 'chip',
      authenticity: 'none',
      personId: '079195004321',
      outcome: 'none',
      reasonCodes: ['chip.wrong-key'],
      ruleSet: null,
      lane: '1',
    });
    const unknown = pipeline.decideChip({ ok: false, reason, authenticity: 'invalid' }, chipSource);
    expect(log.get(unknown.entrySeq)).toMatchObject({ personId: null, authenticity: 'invalid' });
  });
});
