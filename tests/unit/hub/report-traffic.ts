import type { EntryRecord } from '../../../domain/entries/entry-record.js';
import type { UploadedEntry } from '../../../hub/entries/entry-store.js';
import type { HubStorage } from '../../../hub/storage/hub-storage.js';
import { kioskChain } from '../../support/entry-fixtures.js';

/**
 * A week of generated traffic for 50 registered scan points, for the report's acceptance
 * test, with its expected counts computed here on their own (Intl's Asia/Ho_Chi_Minh zone,
 * not the hub's day arithmetic). The report week is Monday 2021-10-18 to Sunday 2021-10-24.
 */
export const WEEK = { from: '2021-10-18', to: '2021-10-24' };
export const FROM_MS = Date.parse('2021-10-18T00:00:00+07:00');
export const TO_MS = Date.parse('2021-10-25T00:00:00+07:00');

export const kioskId = (i: number): string => `k-${i.toString(16).padStart(16, '0')}`;
/** Place names as admins type them: Vietnamese, commas, quotes. */
export const placeName = (i: number): string => (i === 7 ? 'Cổng "B", Chợ Đầm' : `Điểm ${String(i).padStart(2, '0')} – Phường ${(i % 9) + 1}`);

/** Scan points 48–50 have no scan in the week: 48 scanned the week before, 49 never, 50 only after it. */
export const IDLE = [48, 49, 50];
/** Kiosk 51 scanned in the week and was then revoked: its scans count, it is no registered scan point. */
export const REVOKED = 51;

const OUTCOMES = ['green', 'yellow', 'red', 'none'] as const;
const KINDS = ['pass', 'dcc', 'cccd-qr', 'chip', 'bhyt-qr', 'manual', 'unknown'] as const;

/** The n-th value, cycling: an index into a fixed list is always in range. */
function cycle<T>(list: readonly [T, ...T[]], n: number): T {
  return list[n % list.length] ?? list[0];
}
/** Times of day that test the bucketing at Vietnam's midnight (17:00 UTC) and at UTC's (07:00 Vietnam). */
const TIMES = ['00:00:00.000', '23:59:59.999', '06:59:59.999', '07:00:00.000', '12:34:56.000', '16:59:59.999', '17:00:00.000'];

const vnDateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' });
export const vnDateOfMs = (ms: number): string => vnDateFormat.format(ms);

/** How far a chip read was authenticated, cycling: verified, integrity only, altered. */
const CHIP_AUTHENTICITIES = ['chip-verified', 'unsigned', 'invalid'] as const;

/**
 * The kind groups, as the task states them: EU DCC and Chốt pass apart, a chip that passed
 * passive authentication apart, a chip read only intact an ID card, an unreadable code or one
 * that failed its check (any kind) "unreadable or invalid".
 */
export function expectedGroup(kind: string, authenticity: string): string {
  if (kind === 'unknown' || authenticity === 'invalid') return 'unreadable';
  if (kind === 'dcc') return 'dcc';
  if (kind === 'pass') return 'status-pass';
  if (kind === 'chip' && authenticity === 'chip-verified') return 'chip-verified';
  if (kind === 'cccd-qr' || kind === 'chip') return 'id-card';
  if (kind === 'bhyt-qr') return 'health-insurance';
  if (kind === 'manual') return 'typed';
  return 'other';
}

function fieldsOf(i: number, seq: number): Partial<EntryRecord> {
  const day = 18 + (seq % 7);
  const local = `2021-10-${day}T${TIMES[(seq + i) % TIMES.length]}+07:00`;
  // Every other entry written in UTC, as a kiosk with a UTC clock setting would: the same instant.
  const at = seq % 2 === 0 ? local : new Date(Date.parse(local)).toISOString();
  const credentialKind = cycle(KINDS, i * 3 + seq);
  const chip = credentialKind === 'chip';
  return {
    at,
    location: placeName(i),
    outcome: cycle(OUTCOMES, i + seq),
    credentialKind,
    ...(chip ? { sourceKind: 'chip', authenticity: cycle(CHIP_AUTHENTICITIES, i + seq) } : {}),
    // A chip's EF.SOD names the certificate that signed it, whether or not it verified.
    ...(chip ? { documentSigner: `C=VN, CN=DS ${i % 3}#0${i % 3}` } : {}),
    personId: credentialKind === 'unknown' ? null : `0790${String(i).padStart(3, '0')}${String(seq).padStart(5, '0')}`,
  };
}

/** The uploads of every kiosk: [kiosk number, entries]. */
export function weekOfTraffic(): [number, UploadedEntry[]][] {
  const uploads: [number, UploadedEntry[]][] = [];
  for (let i = 1; i <= 47; i += 1) {
    const n = 14 + ((i * 7) % 30);
    let entries = kioskChain(kioskId(i), n, (seq) => fieldsOf(i, seq));
    if (i === 1) {
      // Just outside the week, either side: never counted.
      entries = kioskChain(kioskId(i), n + 2, (seq) =>
        seq === n + 1
          ? { ...fieldsOf(i, seq), at: '2021-10-17T23:59:59.999+07:00' }
          : seq === n + 2
            ? { ...fieldsOf(i, seq), at: '2021-10-24T17:00:00.000Z' }
            : fieldsOf(i, seq),
      );
    }
    if (i % 10 === 3) {
      // An entry changed after it was chained: stored, flagged `edited`, still a scan.
      entries = entries.map((e) => (e.seq === 2 ? { ...e, outcome: 'red' as const, credentialKind: 'manual' } : e));
    }
    uploads.push([i, entries]);
  }
  uploads.push([48, kioskChain(kioskId(48), 5, (seq) => ({ ...fieldsOf(48, seq), at: `2021-10-1${seq}T10:00:00+07:00` }))]);
  uploads.push([50, kioskChain(kioskId(50), 3, (seq) => ({ ...fieldsOf(50, seq), at: `2021-10-25T0${seq}:00:00+07:00` }))]);
  uploads.push([REVOKED, kioskChain(kioskId(REVOKED), 9, (seq) => fieldsOf(REVOKED, seq))]);
  return uploads;
}

export interface ExpectedCounts {
  scans: number;
  flagged: number;
  byOutcome: Record<string, number>;
  byKind: Record<string, number>;
}
const empty = (): ExpectedCounts => ({
  scans: 0,
  flagged: 0,
  byOutcome: { green: 0, yellow: 0, red: 0, none: 0 },
  byKind: { dcc: 0, 'status-pass': 0, 'id-card': 0, 'chip-verified': 0, 'health-insurance': 0, typed: 0, unreadable: 0, other: 0 },
});

/** What the report must say, from the uploads alone. `flaggedSeqs`: the entries expected flagged, per kiosk number. */
export function expectedCounts(uploads: readonly [number, UploadedEntry[]][], fromMs = FROM_MS, toMs = TO_MS) {
  const total = empty();
  const byDay = new Map<string, ExpectedCounts>();
  const byPlace = new Map<string, ExpectedCounts>();
  const byPlaceDay = new Map<string, ExpectedCounts>();
  const bump = <K>(map: Map<K, ExpectedCounts>, key: K): ExpectedCounts => {
    if (!map.has(key)) map.set(key, empty());
    return map.get(key) as ExpectedCounts;
  };
  for (const [i, entries] of uploads) {
    for (const e of entries) {
      const ms = Date.parse(e.at);
      if (ms < fromMs || ms >= toMs) continue;
      const day = vnDateOfMs(ms);
      const flagged = i % 10 === 3 && i <= 47 && e.seq === 2 ? 1 : 0;
      // The generated traffic is all in the current format (kioskChain): every entry has its place.
      const location = e.format === 1 ? '' : e.location;
      for (const c of [total, bump(byDay, day), bump(byPlace, location), bump(byPlaceDay, `${location}|${day}`)]) {
        c.scans += 1;
        c.flagged += flagged;
        c.byOutcome[e.outcome] = (c.byOutcome[e.outcome] ?? 0) + 1;
        const group = expectedGroup(e.credentialKind, e.authenticity);
        c.byKind[group] = (c.byKind[group] ?? 0) + 1;
      }
    }
  }
  return { total, byDay, byPlace, byPlaceDay };
}

/** Enrols scan points 1–50 (and 51, then revokes it) and ingests the week's traffic. */
export async function plantWeek(storage: HubStorage): Promise<[number, UploadedEntry[]][]> {
  for (let i = 1; i <= 51; i += 1) {
    await storage.enrollment.saveDevice({
      deviceId: kioskId(i),
      publicKeyRaw: new Uint8Array(32).fill(i),
      location: placeName(i),
      revoked: false,
      enrolledAt: Date.parse('2021-10-01T08:00:00+07:00') + i * 60_000,
    });
  }
  await storage.enrollment.revokeDevice(kioskId(REVOKED));
  const uploads = weekOfTraffic();
  for (const [i, entries] of uploads) {
    const result = await storage.entries.ingest(kioskId(i), entries);
    if (result.accepted !== entries.length) throw new Error(`kiosk ${i}: ${result.accepted} of ${entries.length} accepted`);
  }
  return uploads;
}
