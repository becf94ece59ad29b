import { afterEach, describe, expect, it } from 'vitest';
import type { UploadedEntry } from '../../../hub/entries/entry-store.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { openHubStorage, type HubStorageLocation } from '../../../hub/storage/open-hub-storage.js';
import { chained, chainedStored, entryRecord, entryRecordV1, entryRecordV2, GENESIS, kioskChain } from '../../support/entry-fixtures.js';

import { CHIP_READ, F0, K1, K2, K3, ms, PLANTED, plantOutbreak, rawRows, SIGNER, T } from './entry-store-fixtures.js';

/**
 * The one behaviour every EntryStore must have, run against the hub's SQLite and PostgreSQL
 * storage for real (entry-store.test.ts). `newLocation` gives a fresh, empty store each call.
 */
export function describeEntryStoreContract(name: string, newLocation: () => HubStorageLocation): void {
  describe(`EntryStore contract: ${name}`, () => {
    const open: HubStorage[] = [];
    const fresh = async (location = newLocation()): Promise<{ storage: HubStorage; location: HubStorageLocation }> => {
      const storage = await openHubStorage(location);
      open.push(storage);
      return { storage, location };
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    const count = async (location: HubStorageLocation, where = 'true') =>
      Number((await rawRows(location, `SELECT count(*) AS n FROM entry WHERE ${where}`))[0]?.n);

    it('stores a batch once: the same batch again is all duplicates, nothing doubled', async () => {
      const { storage, location } = await fresh();
      const batch = kioskChain(K1, 5);
      expect(await storage.entries.ingest(K1, batch)).toEqual({ accepted: 5, duplicates: 0, contiguousSeq: 5, problems: [] });
      expect(await storage.entries.ingest(K1, batch)).toEqual({ accepted: 0, duplicates: 5, contiguousSeq: 5, problems: [] });
      // A lost receipt mid-way: the kiosk resends 4–5 with 6–7 after them.
      const more = kioskChain(K1, 7);
      expect(await storage.entries.ingest(K1, more.slice(3))).toEqual({ accepted: 2, duplicates: 2, contiguousSeq: 7, problems: [] });
      expect(await count(location)).toBe(7);
      expect(await rawRows(location, `SELECT seq, hash, problem FROM entry ORDER BY seq`)).toEqual(
        more.map((e) => ({ seq: e.seq, hash: e.hash, problem: null })),
      );
    });

    it('extends the verified prefix across batches, in any order within a batch, and keeps kiosks apart', async () => {
      const { storage } = await fresh();
      const k1 = kioskChain(K1, 6);
      const k2 = kioskChain(K2, 2);
      expect(await storage.entries.chain(K1)).toBeUndefined();
      expect((await storage.entries.ingest(K1, k1.slice(0, 3))).contiguousSeq).toBe(3);
      expect((await storage.entries.ingest(K2, k2)).contiguousSeq).toBe(2);
      expect((await storage.entries.ingest(K1, [k1[5]!, k1[3]!, k1[4]!])).contiguousSeq).toBe(6);
      expect(await storage.entries.chain(K1)).toEqual({ kioskId: K1, contiguousSeq: 6, headHash: k1[5]!.hash, maxSeq: 6, flaggedEntries: 0, conflicts: 0 });
      expect(await storage.entries.chain(K2)).toMatchObject({ contiguousSeq: 2, headHash: k2[1]!.hash });
      expect(await storage.entries.ingest(K1, [])).toEqual({ accepted: 0, duplicates: 0, contiguousSeq: 6, problems: [] });
    });

    it('stores and flags an entry naming another location than the enrolled one, without holding the receipt back', async () => {
      const { storage, location } = await fresh();
      const batch = kioskChain(K1, 4, (seq) => (seq === 3 ? { location: 'Bến xe phía Bắc' } : seq === 1 ? { location: '', kioskId: 'unenrolled' } : {}));
      const result = await storage.entries.ingest(K1, batch, { enrolledLocation: 'Chợ Đầm' });
      expect(result).toMatchObject({
        accepted: 4,
        contiguousSeq: 4,
        problems: [{ seq: 3, kind: 'foreign-location', message: expect.stringContaining('"Bến xe phía Bắc"') as unknown }],
      });
      expect(await rawRows(location, 'SELECT kiosk_id, seq, flag, detail FROM entry_flag')).toEqual([
        { kiosk_id: K1, seq: 3, flag: 'foreign-location', detail: 'Bến xe phía Bắc' },
      ]);
      // Sent again (a lost receipt): a duplicate, flagged once.
      expect(await storage.entries.ingest(K1, batch, { enrolledLocation: 'Chợ Đầm' })).toMatchObject({ duplicates: 4, problems: [] });
      expect(await rawRows(location, 'SELECT seq FROM entry_flag')).toHaveLength(1);
    });

    it('stores and flags an entry the kiosk logged with a wrong clock (1970, or ahead of the hub), without holding the receipt back', async () => {
      const { storage, location } = await fresh();
      const receivedAtMs = Date.parse('2021-10-20T08:00:00.000+07:00');
      const batch = kioskChain(K1, 4, (seq) =>
        seq === 2 ? { at: '1970-01-01T07:00:05.000+07:00' } : seq === 3 ? { at: '2099-01-01T08:00:00.000+07:00' } : { at: '2021-10-20T07:59:00.000+07:00' },
      );
      const result = await storage.entries.ingest(K1, batch, { receivedAtMs });
      expect(result).toMatchObject({
        accepted: 4,
        contiguousSeq: 4,
        problems: [
          { seq: 2, kind: 'clock-skew', message: expect.stringContaining("the kiosk's clock was wrong") as unknown },
          { seq: 3, kind: 'clock-skew', message: expect.stringContaining("the kiosk's clock was ahead") as unknown },
        ],
      });
      expect(await rawRows(location, 'SELECT seq, flag, detail FROM entry_flag ORDER BY seq')).toEqual([
        { seq: 2, flag: 'clock-skew', detail: '1970-01-01T07:00:05.000+07:00' },
        { seq: 3, flag: 'clock-skew', detail: '2099-01-01T08:00:00.000+07:00' },
      ]);
      // Without the hub's clock (an import of a log, say) nothing is judged ahead; 1970 is only judged against a clock too.
      const other = kioskChain(K2, 1, () => ({ at: '2099-01-01T08:00:00.000+07:00' }));
      expect((await storage.entries.ingest(K2, other)).problems).toEqual([]);
    });

    it('flags a gap, holds the prefix before it, and moves on when the missing entry arrives', async () => {
      const { storage } = await fresh();
      const all = kioskChain(K1, 6);
      await storage.entries.ingest(K1, all.slice(0, 3));
      const gap = await storage.entries.ingest(K1, all.slice(4));
      expect(gap).toMatchObject({ accepted: 2, duplicates: 0, contiguousSeq: 3, problems: [{ seq: 5, kind: 'gap' }] });
      expect(await storage.entries.chain(K1)).toMatchObject({ contiguousSeq: 3, maxSeq: 6, flaggedEntries: 0 });
      expect(await storage.entries.ingest(K1, [all[3]!])).toEqual({ accepted: 1, duplicates: 0, contiguousSeq: 6, problems: [] });
    });

    it('flags an entry filling a gap that its stored successor does not follow', async () => {
      const { storage, location } = await fresh();
      const all = kioskChain(K1, 5);
      await storage.entries.ingest(K1, [...all.slice(0, 3), all[4]!]);
      // An entry 4 that chains onto 3 but is not the one entry 5 was chained onto.
      const [other4] = chained([entryRecord(K1, 4, { outcome: 'red' })], all[2]!.hash);
      const result = await storage.entries.ingest(K1, [other4!]);
      expect(result).toMatchObject({ accepted: 1, contiguousSeq: 4, problems: [{ seq: 5, kind: 'broken-chain' }] });
      expect(await rawRows(location, `SELECT seq, problem FROM entry WHERE seq >= 4 ORDER BY seq`)).toEqual([
        { seq: 4, problem: null },
        { seq: 5, problem: 'broken-chain' },
      ]);
      expect(await storage.entries.chain(K1)).toMatchObject({ contiguousSeq: 4, flaggedEntries: 1 });
    });

    it('stores and flags an edited entry; the prefix stops before it', async () => {
      const { storage, location } = await fresh();
      const batch = kioskChain(K1, 4);
      const edited = batch.map((e) => (e.seq === 3 ? { ...e, outcome: 'green', reasonCodes: [], personId: '001090999999' } : e));
      const result = await storage.entries.ingest(K1, edited);
      expect(result).toMatchObject({ accepted: 4, duplicates: 0, contiguousSeq: 2, problems: [{ seq: 3, kind: 'edited' }] });
      expect(result.problems).toHaveLength(1);
      expect(await rawRows(location, `SELECT seq, problem FROM entry ORDER BY seq`)).toEqual([
        { seq: 1, problem: null },
        { seq: 2, problem: null },
        { seq: 3, problem: 'edited' },
        { seq: 4, problem: null },
      ]);
      expect(await storage.entries.chain(K1)).toMatchObject({ contiguousSeq: 2, maxSeq: 4, flaggedEntries: 1 });
    });

    it('flags a well-hashed entry that does not follow its predecessor (one removed, another put in its place)', async () => {
      const { storage } = await fresh();
      const batch = kioskChain(K1, 2);
      const [forged] = chained([entryRecord(K1, 3)], 'ab'.repeat(32));
      const result = await storage.entries.ingest(K1, [...batch, forged!]);
      expect(result).toMatchObject({ accepted: 3, contiguousSeq: 2, problems: [{ seq: 3, kind: 'broken-chain' }] });
      const [badFirst] = chained([entryRecord(K2, 1)], 'cd'.repeat(32));
      expect(await storage.entries.ingest(K2, [badFirst!])).toMatchObject({ accepted: 1, contiguousSeq: 0, problems: [{ seq: 1, kind: 'broken-chain' }] });
    });

    it('keeps a different entry with a stored seq out (a conflict), and records it', async () => {
      const { storage, location } = await fresh();
      const original = kioskChain(K1, 3);
      await storage.entries.ingest(K1, original);
      const rewritten = kioskChain(K1, 3, (seq) => (seq === 3 ? { outcome: 'red' } : {}));
      const result = await storage.entries.ingest(K1, rewritten);
      expect(result).toMatchObject({ accepted: 0, duplicates: 2, contiguousSeq: 3, problems: [{ seq: 3, kind: 'conflict' }] });
      expect(await rawRows(location, 'SELECT seq, outcome, hash FROM entry WHERE seq = 3')).toEqual([{ seq: 3, outcome: 'green', hash: original[2]!.hash }]);
      expect(await rawRows(location, 'SELECT kiosk_id, seq, hash FROM entry_conflict')).toEqual([{ kiosk_id: K1, seq: 3, hash: rewritten[2]!.hash }]);
      expect(await storage.entries.chain(K1)).toMatchObject({ contiguousSeq: 3, conflicts: 1 });
      // The same seq twice in one batch, differently: the first is stored, the second is a conflict.
      const [a, b] = [kioskChain(K2, 1)[0]!, kioskChain(K2, 1, () => ({ lane: '2' }))[0]!];
      expect(await storage.entries.ingest(K2, [a, b])).toMatchObject({
        accepted: 1,
        duplicates: 0,
        contiguousSeq: 1,
        problems: [{ seq: 1, kind: 'conflict' }],
      });
    });

    it("refuses a batch holding another kiosk's entry, or a malformed one, and stores none of it", async () => {
      const { storage, location } = await fresh();
      const batch = [...kioskChain(K1, 2), kioskChain(K2, 3)[2]!];
      await expect(storage.entries.ingest(K1, batch)).rejects.toThrow(RangeError);
      await expect(
        storage.entries.ingest(
          K1,
          kioskChain(K1, 2).map((e) => ({ ...e, hash: e.hash.toUpperCase() })),
        ),
      ).rejects.toThrow(/64 lowercase hex/);
      await expect(storage.entries.ingest(K1, [{ ...kioskChain(K1, 1)[0]!, seq: 0 }])).rejects.toThrow(/positive integer/);
      await expect(
        storage.entries.ingest(
          K1,
          kioskChain(K1, 1, () => ({ at: 'yesterday' })),
        ),
      ).rejects.toThrow(/unreadable time/);
      expect(await count(location)).toBe(0);
      expect(await storage.entries.chain(K1)).toBeUndefined();
    });

    it('ingests a log that began in format 1 and before enrolment: one chain, each row hashed in its own format', async () => {
      const { storage, location } = await fresh();
      // Rows 1–2 logged by an old Chốt (format 1), 3 after the upgrade but before enrolment, 4 enrolled,
      // 5–6 after the kiosk's migration 7 (format 3): a chip ID card with its document signer, then a QR.
      const log = chainedStored([
        entryRecordV1(1),
        entryRecordV1(2, { outcome: 'red', reasonCodes: ['not-vaccinated'] }),
        entryRecordV2('unenrolled', 3, { location: '' }),
        entryRecordV2(K1, 4),
        { ...entryRecord(K1, 5, CHIP_READ), format: 3 },
        { ...entryRecord(K1, 6), format: 3 },
      ]);
      expect(await storage.entries.ingest(K1, log)).toEqual({ accepted: 6, duplicates: 0, contiguousSeq: 6, problems: [] });
      const rows = await rawRows(
        location,
        'SELECT seq, kiosk_id, format, entry_kiosk_id, location, lane, direction, override, credential_kind, document_signer FROM entry ORDER BY seq',
      );
      const v1Row = { kiosk_id: K1, format: 1, entry_kiosk_id: null, location: '', lane: '', direction: '', override: null, credential_kind: 'cccd-qr' };
      const v2Row = {
        kiosk_id: K1,
        format: 2,
        entry_kiosk_id: null,
        location: 'Chợ Đầm',
        lane: '1',
        direction: 'in',
        override: null,
        credential_kind: 'cccd-qr',
      };
      expect(rows).toEqual([
        { seq: 1, ...v1Row, document_signer: null },
        { seq: 2, ...v1Row, document_signer: null },
        { seq: 3, ...v2Row, entry_kiosk_id: 'unenrolled', location: '', document_signer: null },
        { seq: 4, ...v2Row, document_signer: null },
        { seq: 5, ...v2Row, format: 3, credential_kind: 'chip', document_signer: SIGNER },
        { seq: 6, ...v2Row, format: 3, document_signer: null },
      ]);
      // A format-1 row hashed as format 2 (or changed) does not match its hash.
      const forged = chainedStored([entryRecordV1(1), entryRecordV1(2)]);
      const relabelled = { ...entryRecordV2(K2, 1), prevHash: forged[0]!.prevHash, hash: forged[0]!.hash };
      expect(await storage.entries.ingest(K2, [relabelled])).toMatchObject({ contiguousSeq: 0, problems: [{ seq: 1, kind: 'edited' }] });
      await expect(storage.entries.ingest(K3, [{ ...forged[0]!, format: 5 } as never])).rejects.toThrow(/format must be one of 1, 2, 3, 4/);
    });

    it('a chip entry keeps its document signer in its hash: another signer, or the same entry passed off as format 2, is flagged edited', async () => {
      const { storage } = await fresh();
      const [chip] = chained([entryRecord(K1, 1, CHIP_READ)]);
      const otherSigner = { ...chip!, documentSigner: 'C=VN, CN=Other signer#01' };
      expect(await storage.entries.ingest(K1, [otherSigner])).toMatchObject({ contiguousSeq: 0, problems: [{ seq: 1, kind: 'edited' }] });
      // The chip read's hash on its fields without the signer, labelled format 2.
      const { documentSigner: _signer, ...v2Fields } = entryRecord(K2, 1, CHIP_READ);
      const [hashedAsV3] = chained([entryRecord(K2, 1, CHIP_READ)]);
      const passedOff: UploadedEntry = { ...v2Fields, format: 2, prevHash: hashedAsV3!.prevHash, hash: hashedAsV3!.hash };
      expect(await storage.entries.ingest(K2, [passedOff])).toMatchObject({ problems: [{ seq: 1, kind: 'edited' }] });
      expect(await storage.entries.ingest(K3, chained([entryRecord(K3, 1, CHIP_READ)]))).toMatchObject({ contiguousSeq: 1, problems: [] });
    });

    it('stores who typed a typed ID (format 4), in its hash: another name is flagged edited; a trace shows it', async () => {
      const { storage, location } = await fresh();
      const typed = { sourceKind: 'manual', sourceDeviceId: 'staff-keypad', credentialKind: 'manual', authenticity: 'manual', personId: F0 };
      const [entry] = chained([entryRecord(K1, 1, { ...typed, at: T('09:00'), enteredBy: 'Nguyễn Thị Lan' })]);
      expect(await storage.entries.ingest(K1, [entry!])).toMatchObject({ contiguousSeq: 1, problems: [] });
      expect(await rawRows(location, 'SELECT format, source_kind, entered_by FROM entry')).toEqual([
        { format: 4, source_kind: 'manual', entered_by: 'Nguyễn Thị Lan' },
      ]);
      const [place] = await storage.entries.trace({ personId: F0, fromMs: PLANTED.from, toMs: PLANTED.to, windowMs: 0 });
      expect(place?.visit).toMatchObject({ seq: 1, credentialKind: 'manual', authenticity: 'manual', enteredBy: 'Nguyễn Thị Lan' });
      const [other] = chained([entryRecord(K2, 1, { ...typed, at: T('09:00'), enteredBy: 'Nguyễn Thị Lan' })]);
      expect(await storage.entries.ingest(K2, [{ ...other!, enteredBy: 'Trần Văn Minh' } as UploadedEntry])).toMatchObject({
        problems: [{ seq: 1, kind: 'edited' }],
      });
    });

    it('traces each entry with its credential kind, authenticity and document signer', async () => {
      const { storage } = await fresh();
      const records = [
        entryRecord(K1, 1, { at: T('09:00'), personId: F0, ...CHIP_READ }),
        entryRecord(K1, 2, {
          at: T('09:05'),
          personId: '001090000001',
          ...CHIP_READ,
          authenticity: 'invalid',
          outcome: 'red',
          documentSigner: 'C=VN, CN=Forged#ff',
        }),
        entryRecord(K1, 3, { at: T('09:06'), personId: '001090000002', credentialKind: 'pass', authenticity: 'signed-valid' }),
      ];
      await storage.entries.ingest(K1, chained(records));
      const [place] = await storage.entries.trace({ personId: F0, fromMs: PLANTED.from, toMs: PLANTED.to, windowMs: PLANTED.windowMs });
      expect(place?.visit).toMatchObject({ seq: 1, credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: SIGNER });
      expect(place?.contacts.map((c) => [c.seq, c.credentialKind, c.authenticity, c.documentSigner])).toEqual([
        [2, 'chip', 'invalid', 'C=VN, CN=Forged#ff'],
        [3, 'pass', 'signed-valid', null],
      ]);
    });

    it('keeps every field as hashed: a stored entry hashes to its stored hash', async () => {
      const { storage, location } = await fresh();
      const record = entryRecord(K1, 1, {
        at: T('09:00'),
        location: 'Bến xe "Phía Bắc", Nha Trang',
        override: { by: 'staff-7', reason: 'trẻ em < 12 tuổi' },
        ruleSet: null,
        personId: null,
        reasonCodes: ['a', 'b'],
      });
      const [entry] = chained([record]);
      await storage.entries.ingest(K1, [entry!]);
      const [row] = await rawRows(location, 'SELECT * FROM entry');
      expect(row).toMatchObject({
        at: T('09:00'),
        location: 'Bến xe "Phía Bắc", Nha Trang',
        person_id: null,
        rule_set: null,
        reasons: '["a","b"]',
        override: '["staff-7","trẻ em < 12 tuổi"]',
        prev_hash: GENESIS,
        hash: entry!.hash,
      });
      expect(Number(row!.at_ms)).toBe(ms(T('09:00')));
    });

    it('traces a planted F0: exactly the people at the same place within the window', async () => {
      const { storage } = await fresh();
      await plantOutbreak(storage);
      const places = await storage.entries.trace({ personId: F0, fromMs: PLANTED.from, toMs: PLANTED.to, windowMs: PLANTED.windowMs });
      expect(places.map((p) => ({ at: p.visit.at, contacts: p.contacts.map((c) => `${c.at.slice(11, 16)} ${c.personId}`) }))).toEqual(PLANTED.expected);
      expect(places[0]).toMatchObject({ visit: { personId: F0, location: 'Chợ Đầm', kioskId: K1, seq: 4, outcome: 'green', atMs: ms(T('09:00')) } });
      expect(places[0]!.contacts[2]).toMatchObject({ kioskId: K2, seq: 1, lane: '1', direction: 'in', outcome: 'green' });

      // The period bounds the visits (inclusive), not the contacts; a window of 0 keeps only the same instant.
      const morning = await storage.entries.trace({ personId: F0, fromMs: ms(T('09:00')), toMs: ms(T('09:20')), windowMs: 0 });
      expect(morning.map((p) => [p.visit.at, p.contacts.length])).toEqual([
        [T('09:00'), 0],
        [T('09:20'), 0],
      ]);
      expect(await storage.entries.trace({ personId: '079000000000', fromMs: PLANTED.from, toMs: PLANTED.to, windowMs: 60_000 })).toEqual([]);
      await expect(storage.entries.trace({ personId: F0, fromMs: 2, toMs: 1, windowMs: 0 })).rejects.toThrow(RangeError);
    });
  });
}
