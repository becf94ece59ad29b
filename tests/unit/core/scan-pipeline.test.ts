import { describe, expect, it } from 'vitest';
import type { ScanEvent } from '../../../domain/scan/scan-event.js';
import { RuleSetRepository } from '../../../main/rules/rule-set-repository.js';
import { ScanPipeline } from '../../../main/core/scan-pipeline.js';
import { demoCards, demoRecords } from '../../../main/demo/demo-people.js';
import { EntryLog } from '../../../main/store/entry-log.js';
import { FactsStore } from '../../../main/store/facts-store.js';
import { openFactsDatabase } from '../../../main/store/facts-database.js';
import { openKioskDatabase } from '../../../main/store/kiosk-database.js';

const NOW = Date.parse('2021-10-20T08:00:00+07:00');

function setup() {
  const db = openKioskDatabase(':memory:');
  const facts = new FactsStore(openFactsDatabase(':memory:'));
  facts.upsertMany(demoRecords(NOW));
  const log = new EntryLog(db);
  facts.markSynced(NOW - 3600_000);
  const rules = new RuleSetRepository(undefined, undefined);
  const pipeline = new ScanPipeline({ facts, log, rulesAt: (at) => rules.inForce(at), now: () => NOW, trust: {} });
  return { db, log, pipeline };
}

const scan = (text: string, overflow = false): ScanEvent => ({ source: { kind: 'wedge', deviceId: 'keyboard' }, text, overflow, at: new Date(NOW).toISOString() });

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
    expect(verdict.subject).toEqual({ name: 'Nguyễn Văn An', birthYear: 1989, idTail: '1234' });
    expect(verdict.gate.open).toBe(true);
    expect(verdict.ruleSet).toEqual({ id: 'khanh-hoa-2021-10', version: '1.0.0' });
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

  it('shows no verdict when the entry cannot be committed', () => {
    const { db, pipeline } = setup();
    db.exec('CREATE TRIGGER refuse BEFORE INSERT ON entry BEGIN SELECT RAISE(ABORT, \'disk full\'); END');
    expect(() => pipeline.decide(scan(demoCards()[0]?.qrText ?? ''))).toThrow(/disk full/);
  });
});
