import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonFacts } from '../../domain/facts/person-facts.js';
import { ACCESS_LIST } from '../../domain/rules/builtin/access-list.js';
import { KHANH_HOA_2021_10 } from '../../domain/rules/builtin/khanh-hoa-2021-10.js';
import { FactsStore } from '../../main/store/facts-store.js';
import { openFactsDatabase } from '../../main/store/facts-database.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { runChot, verifyLines } from '../support/run-chot.js';

const hubDir = tempDataDir('chot-hub-');
const kioskDir = tempDataDir('chot-kiosk-');
const AT = '2021-10-20T08:00:00+07:00';
const COMIRNATY = 'EU/1/20/1528';

/** Fictitious people and what the October 2021 criteria make of them at AT. */
const PEOPLE: { id12: string; facts: PersonFacts; colour: string; reasons: string[] }[] = [
  {
    id12: '056089001234',
    facts: {
      doses: [
        { dose: 1, date: '2021-08-01', product: COMIRNATY },
        { dose: 2, date: '2021-09-01', product: COMIRNATY },
      ],
      tests: [],
      quarantine: [],
    },
    colour: 'green',
    reasons: ['vaccinated-full'],
  },
  {
    id12: '079195004321',
    facts: { doses: [{ dose: 1, date: '2021-10-01', product: COMIRNATY }], tests: [], quarantine: [] },
    colour: 'yellow',
    reasons: ['vaccinated-partial'],
  },
  {
    id12: '001201005678',
    facts: { doses: [], tests: [{ takenAt: '2021-10-19T09:00:00+07:00', kind: 'pcr', result: 'negative' }], quarantine: [] },
    colour: 'yellow',
    reasons: ['test-negative'],
  },
  { id12: '048078008765', facts: { doses: [], tests: [], quarantine: [] }, colour: 'red', reasons: ['no-protection'] },
  {
    id12: '031190002468',
    facts: {
      doses: [
        { dose: 1, date: '2021-06-01', product: COMIRNATY },
        { dose: 2, date: '2021-07-01', product: COMIRNATY },
      ],
      tests: [],
      quarantine: [{ status: 'F0', from: '2021-10-18' }],
    },
    colour: 'red',
    reasons: ['quarantine'],
  },
  { id12: '092300001357', facts: { doses: [], tests: [], recoveredOn: '2021-06-01', quarantine: [] }, colour: 'green', reasons: ['recovered'] },
];

const ok = (args: string[]) => {
  const run = runChot(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
};

beforeAll(() => {
  const key = ok(['hub', 'public-key', '--data', hubDir]).trim();
  ok(['trust', 'hub-key', key, '--data-dir', kioskDir]);
  const db = openFactsDatabase(join(kioskDir, 'facts.sqlite'));
  const store = new FactsStore(db);
  store.upsertMany(PEOPLE.map(({ id12, facts }) => ({ id12, facts })));
  store.markSynced(Date.parse(AT) - 2 * 3600_000);
  db.close();
});

describe('rule sets through the CLI', () => {
  it('a new hub has published khanh-hoa-2021-10; the kiosk installs it and colours each person by it', () => {
    expect(ok(['hub', 'rules', 'list', '--data', hubDir])).toMatch(/^khanh-hoa-2021-10@1\.2\.0 {2}from 2021-10-01T00:00:00\+07:00 /m);
    ok(['rules', 'install', join(hubDir, 'rules', 'published', 'khanh-hoa-2021-10@1.2.0.json'), '--data-dir', kioskDir]);
    const lines = verifyLines(
      ['--data-dir', kioskDir, '--at', AT],
      PEOPLE.map((p) => p.id12),
    );
    // Typed IDs: each verdict also says the number is not a verified card.
    expect(lines.map((l) => [l.color, (l.reasons as { code: string }[]).map((r) => r.code)])).toEqual(
      PEOPLE.map((p) => [p.colour, [...p.reasons, 'credential.manual']]),
    );
    expect(lines[0]).toMatchObject({ factsFrom: 'local', ruleSet: { id: 'khanh-hoa-2021-10', version: '1.2.0' } });
  });

  it('the same data 30 hours after the last sync: green becomes yellow, "dữ liệu chưa cập nhật"', () => {
    const later = new Date(Date.parse(AT) + 28 * 3600_000).toISOString();
    const [first] = verifyLines(['--data-dir', kioskDir, '--at', later], [PEOPLE[0]?.id12 ?? '']);
    expect(first).toMatchObject({
      color: 'yellow',
      reasons: [{ code: 'vaccinated-full' }, { code: 'data-stale', vi: 'Dữ liệu chưa cập nhật' }, { code: 'credential.manual' }],
    });
  });

  it('a forged rule set is refused with a clear error, and the installed one stays', () => {
    const published = JSON.parse(readFileSync(join(hubDir, 'rules', 'published', 'khanh-hoa-2021-10@1.2.0.json'), 'utf8')) as {
      ruleSet: { default: { colour: string } };
    };
    published.ruleSet.default.colour = 'green';
    const forged = join(kioskDir, 'forged.json');
    writeFileSync(forged, JSON.stringify(published));
    const run = runChot(['rules', 'install', forged, '--data-dir', kioskDir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('rules.signature-invalid');
    expect(run.stderr).toContain('Chữ ký bộ tiêu chí không hợp lệ');
    const [red] = verifyLines(['--data-dir', kioskDir, '--at', AT], ['048078008765']);
    expect(red).toMatchObject({ color: 'red' });
  });

  it('a rule set published ahead of time takes over at its validFrom', () => {
    const listFile = join(hubDir, 'list.json');
    writeFileSync(listFile, JSON.stringify({ ...ACCESS_LIST, id: 'event-2021-11', parameters: { allowed: ['048078008765'], denied: [] } }));
    ok(['hub', 'rules', 'publish', listFile, '--valid-from', '2021-11-01T00:00:00+07:00', '--data', hubDir]);
    ok(['rules', 'install', join(hubDir, 'rules', 'published', 'event-2021-11@1.0.0.json'), '--data-dir', kioskDir]);
    const before = verifyLines(['--data-dir', kioskDir, '--at', '2021-10-31T23:59:00+07:00'], ['048078008765']);
    const after = verifyLines(['--data-dir', kioskDir, '--at', '2021-11-01T00:00:00+07:00'], ['048078008765', '056089001234']);
    expect(before[0]).toMatchObject({ color: 'red', ruleSet: { id: 'khanh-hoa-2021-10' } });
    expect(after.map((l) => l.color)).toEqual(['green', 'red']);
    expect(after[0]).toMatchObject({ ruleSet: { id: 'event-2021-11' }, reasons: [{ code: 'access-allowed' }, { code: 'credential.manual' }] });
  });
});

describe('chot rules check and test', () => {
  it('check passes a good rule set and names the JSON path of each problem in a bad one', () => {
    const good = join(hubDir, 'good.json');
    writeFileSync(good, JSON.stringify(KHANH_HOA_2021_10));
    expect(ok(['rules', 'check', good])).toContain('ok — khanh-hoa-2021-10@1.2.0');
    const bad = join(hubDir, 'bad.json');
    const rules = [
      { ...KHANH_HOA_2021_10.rules[0], when: { and: [true, { frobnicate: [1] }] } },
      { ...KHANH_HOA_2021_10.rules[1], when: { '===': [1] } },
    ];
    writeFileSync(bad, JSON.stringify({ ...KHANH_HOA_2021_10, rules }));
    const run = runChot(['rules', 'check', bad]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('/rules/0/when/and/1');
    expect(run.stdout).toContain('/rules/1/when');
  });

  it('test runs a table of cases and prints what differs', () => {
    const file = join(hubDir, 'khanh-hoa.json');
    writeFileSync(file, JSON.stringify(KHANH_HOA_2021_10));
    // Facts only a certificate the person presents carries (a DCC) reach the rules as well.
    const fromCertificates = [
      {
        name: 'expired recovery',
        at: AT,
        facts: { recoveryCertificate: { positiveOn: '2021-03-01', validFrom: '2021-03-12', validUntil: '2021-08-28' } },
        expect: 'red',
        reasons: ['recovery-expired'],
      },
      {
        name: 'not a vaccine',
        at: AT,
        facts: { notCounted: [{ kind: 'vaccination', why: 'vaccine-product' }] },
        expect: 'red',
        reasons: ['vaccine-not-recognised'],
      },
    ];
    const cases = [
      ...PEOPLE.map((p) => ({ name: p.id12, at: AT, facts: p.facts, dataAgeHours: 1, expect: p.colour, reasons: p.reasons })),
      ...fromCertificates,
      // A person the kiosk has no facts about: the set's own rule says "see staff".
      { name: 'unknown person', at: AT, factsSource: 'none', expect: 'none', reasons: ['person.unknown'] },
    ];
    const casesFile = join(hubDir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    expect(ok(['rules', 'test', file, casesFile])).toContain(`${cases.length} passed, 0 failed`);
    writeFileSync(casesFile, JSON.stringify([{ ...cases[0], expect: 'red' }]));
    const run = runChot(['rules', 'test', file, casesFile]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('- expected: red');
    expect(run.stdout).toContain('+ actual:   green [vaccinated-full]');
  });
});
