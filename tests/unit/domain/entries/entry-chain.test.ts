import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntryChainWalker, findBrokenLink, genesisAnchor, type ChainedEntry, type ChainHasher } from '../../../../domain/entries/entry-chain.js';
import type { StoredEntry } from '../../../../domain/entries/entry-record.js';

const sha256: ChainHasher = (prev, canonical) => createHash('sha256').update(prev).update(canonical, 'utf8').digest();

function stored(seq: number, format: 1 | 2 | 3): StoredEntry {
  const v1 = {
    seq,
    at: `2021-10-15T08:00:0${seq % 10}.000+07:00`,
    sourceKind: 'wedge',
    sourceDeviceId: 'keyboard',
    credentialKind: 'cccd-qr',
    authenticity: 'unsigned',
    personId: `05608900${String(seq).padStart(4, '0')}`,
    outcome: 'green',
    reasonCodes: ['vaccinated-full'],
    ruleSet: null,
  };
  if (format === 1) return { format: 1, ...v1 };
  const v2 = { ...v1, kioskId: 'k-1', location: 'Chợ Đầm', lane: '1', direction: 'in', override: null } as const;
  if (format === 2) return { format: 2, ...v2 };
  return { format: 3, ...v2, credentialKind: 'chip', authenticity: 'chip-verified', documentSigner: 'C=VN, CN=DS 1#0a' };
}

/** A well-formed chain: `v1Count` format-1 rows, then format-2 rows up to `v2Through`, then format-3 rows, as on an upgraded kiosk. */
function chain(count: number, v1Count = 0, v2Through = count): ChainedEntry[] {
  const rows: ChainedEntry[] = [];
  let prevHash = genesisAnchor().hash;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = stored(seq, seq <= v1Count ? 1 : seq <= v2Through ? 2 : 3);
    const hash = rehash(prevHash, entry);
    rows.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return rows;
}

/** The hash written out from the spec (docs/entry-log.md), not through the domain's own canonical functions. */
function rehash(prevHash: Uint8Array, entry: StoredEntry): Uint8Array {
  const canonical =
    entry.format === 1
      ? JSON.stringify([
          entry.seq,
          entry.at,
          entry.sourceKind,
          entry.sourceDeviceId,
          entry.credentialKind,
          entry.authenticity,
          entry.personId,
          entry.outcome,
          entry.reasonCodes,
          entry.ruleSet,
        ])
      : JSON.stringify([
          entry.format === 2 ? 'chot-entry-2' : 'chot-entry-3',
          entry.seq,
          entry.at,
          entry.kioskId,
          entry.location,
          entry.lane,
          entry.direction,
          entry.sourceKind,
          entry.sourceDeviceId,
          entry.credentialKind,
          entry.authenticity,
          entry.personId,
          entry.outcome,
          entry.reasonCodes,
          entry.ruleSet,
          entry.override === null ? null : [entry.override.by, entry.override.reason],
          ...(entry.format === 3 ? [entry.documentSigner] : []),
        ]);
  return sha256(prevHash, canonical);
}

const withRow = (rows: ChainedEntry[], seq: number, change: (row: ChainedEntry) => ChainedEntry): ChainedEntry[] =>
  rows.map((row) => (row.seq === seq ? change(row) : row));

describe('findBrokenLink', () => {
  it('passes an intact chain, v1 rows then v2 rows, and says where it ends', () => {
    const rows = chain(6, 3);
    const check = findBrokenLink(rows, sha256);
    expect(check).toEqual({ ok: true, entries: 6, last: { seq: 6, hash: rows[5]?.hash } });
  });

  it('passes a chain of formats 1, 2 and 3; a format-3 row’s signer edited, or the row passed off as format 2, is caught', () => {
    const rows = chain(7, 2, 4);
    expect(rows.map((r) => r.format)).toEqual([1, 1, 2, 2, 3, 3, 3]);
    expect(findBrokenLink(rows, sha256)).toMatchObject({ ok: true, entries: 7 });
    const signer = withRow(rows, 6, (r) => ({ ...r, documentSigner: 'C=VN, CN=DS 2#0a' }) as ChainedEntry);
    expect(findBrokenLink(signer, sha256)).toMatchObject({ ok: false, seq: 6, problem: 'edited' });
    const downgraded = withRow(rows, 5, (r) => ({ ...r, format: 2 }) as ChainedEntry);
    expect(findBrokenLink(downgraded, sha256)).toMatchObject({ ok: false, seq: 5, problem: 'edited' });
    const upgraded = withRow(rows, 4, (r) => ({ ...r, format: 3, documentSigner: null }) as ChainedEntry);
    expect(findBrokenLink(upgraded, sha256)).toMatchObject({ ok: false, seq: 4, problem: 'edited' });
  });

  it('passes an empty chain', () => {
    expect(findBrokenLink([], sha256)).toEqual({ ok: true, entries: 0, last: genesisAnchor() });
  });

  it.each<[string, (rows: ChainedEntry[]) => ChainedEntry[], number, string, RegExp]>([
    ['a v2 row’s outcome edited', (rows) => withRow(rows, 5, (r) => ({ ...r, outcome: 'red' })), 5, 'edited', /^entry 5: edited/],
    ['a v1 row’s person edited', (rows) => withRow(rows, 2, (r) => ({ ...r, personId: '079195004321' })), 2, 'edited', /^entry 2: edited/],
    ['a v2 row passed off as v1', (rows) => withRow(rows, 4, (r) => ({ ...r, format: 1 }) as ChainedEntry), 4, 'edited', /edited/],
    ['a row’s stored hash replaced', (rows) => withRow(rows, 6, (r) => ({ ...r, hash: new Uint8Array(32).fill(1) })), 6, 'edited', /edited/],
    ['a middle row deleted', (rows) => rows.filter((r) => r.seq !== 3), 4, 'gap', /^entry 4: entry 3 is missing \(the log jumps from entry 2 to 4\)$/],
    ['three rows deleted', (rows) => rows.filter((r) => r.seq < 2 || r.seq > 4), 5, 'gap', /entries 2–4 are missing/],
    ['the first row deleted', (rows) => rows.slice(1), 2, 'gap', /^entry 2: entry 1 is missing \(the log starts at entry 2\)$/],
    [
      'a middle row deleted and the rest renumbered',
      (rows) => rows.filter((r) => r.seq !== 3).map((r) => (r.seq > 3 ? { ...r, seq: r.seq - 1 } : r)),
      3,
      'broken-chain',
      /^entry 3: a row is missing or out of order before entry 3/,
    ],
    [
      'two rows’ seqs swapped',
      (rows) => rows.map((r) => (r.seq === 3 ? { ...r, seq: 4 } : r.seq === 4 ? { ...r, seq: 3 } : r)).sort((a, b) => a.seq - b.seq),
      3,
      'broken-chain',
      /out of order/,
    ],
    ['two rows swapped in place', (rows) => [rows[0], rows[2], rows[1], ...rows.slice(3)] as ChainedEntry[], 3, 'gap', /^entry 3: entry 2 is missing/],
    ['a row’s link replaced', (rows) => withRow(rows, 5, (r) => ({ ...r, prevHash: new Uint8Array(32) })), 5, 'broken-chain', /chain on from entry 4/],
  ])('%s: reported at the right entry', (_label, tamper, seq, problem, message) => {
    const check = findBrokenLink(tamper(chain(6, 3)), sha256);
    expect(check).toMatchObject({ ok: false, seq, problem });
    expect(check.ok ? '' : check.message).toMatch(message);
  });

  it('reports rows not in seq order', () => {
    const rows = chain(4);
    const check = findBrokenLink([rows[0], rows[1], rows[3], rows[2]] as ChainedEntry[], sha256);
    expect(check).toMatchObject({ ok: false, seq: 4, problem: 'gap' });
    const back = findBrokenLink([rows[0], rows[1], rows[1]] as ChainedEntry[], sha256);
    expect(back).toMatchObject({ ok: false, seq: 2, problem: 'gap', message: 'entry 2: out of order (it comes after entry 2)' });
  });

  it('checks a batch that chains on from a known entry (as the hub does on upload)', () => {
    const rows = chain(8, 2);
    const anchor = { seq: 5, hash: rows[4]?.hash ?? new Uint8Array() };
    expect(findBrokenLink(rows.slice(5), sha256, anchor)).toMatchObject({ ok: true, entries: 3, last: { seq: 8 } });
    expect(findBrokenLink(rows.slice(6), sha256, anchor)).toMatchObject({ ok: false, seq: 7, problem: 'gap' });
    expect(findBrokenLink(rows.slice(5), sha256, { seq: 5, hash: rows[3]?.hash ?? new Uint8Array() })).toMatchObject({
      ok: false,
      seq: 6,
      problem: 'broken-chain',
    });
  });

  it('stops reading at the first problem, and keeps only that one', () => {
    const rows = withRow(
      withRow(chain(6), 2, (r) => ({ ...r, outcome: 'red' })),
      4,
      (r) => ({ ...r, outcome: 'red' }),
    );
    let read = 0;
    function* lazily(): Generator<ChainedEntry> {
      for (const row of rows) {
        read += 1;
        yield row;
      }
    }
    expect(findBrokenLink(lazily(), sha256)).toMatchObject({ ok: false, seq: 2 });
    expect(read).toBe(2);

    const walker = new EntryChainWalker(sha256);
    expect(rows.map((row) => walker.next(row)?.seq)).toEqual([undefined, 2, undefined, undefined, undefined, undefined]);
    expect(walker.unreadable(6, 'x')).toBeUndefined();
    expect(walker.result()).toMatchObject({ ok: false, seq: 2 });
  });

  it('an unreadable row counts as edited', () => {
    const walker = new EntryChainWalker(sha256);
    expect(walker.unreadable(1, 'its reason codes are not JSON')).toEqual({
      seq: 1,
      problem: 'edited',
      message: 'entry 1: edited — its reason codes are not JSON',
    });
  });
});
