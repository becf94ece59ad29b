// A kiosk process that only appends to its entry log, for upload-kill.test.ts to SIGKILL
// at any moment. It opens <data-dir>/kiosk.sqlite as the kiosk does (migrations, WAL,
// synchronous=FULL) and appends realistic format-2 entries through EntryLog, printing
//   ack <seq> <hash hex>
// on stdout only after EntryLog.append has returned, i.e. after the commit: every line
// the parent reads names an acknowledged entry. (Writes to a pipe are synchronous in
// Node on Linux, so a line printed is in the pipe before the next append starts.)
//
//   node entry-append-child.mjs --data-dir DIR --kiosk-id K --location L [--count N] [--fill]
// Without --count it appends until killed. --fill is for a backlog the test does not kill:
// many appends per outer transaction (each still EntryLog.append, nested as a savepoint),
// one ack per commit, so 60 000 entries take seconds instead of one fsync each.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EntryDirection } from '../../domain/entries/entry-record.js';
import { toVietnamIso } from '../../domain/time/calendar-date.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { EntryLog, type EntryFields } from '../../main/store/entry-log.js';

const FILL_STEP = 5_000;

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'kiosk-id': { type: 'string' },
    location: { type: 'string' },
    count: { type: 'string' },
    fill: { type: 'boolean' },
  },
});
if (values['data-dir'] === undefined || values['kiosk-id'] === undefined || values.location === undefined) {
  process.stderr.write('usage: entry-append-child --data-dir DIR --kiosk-id K --location L [--count N] [--fill]\n');
  process.exit(2);
}
const { 'data-dir': dataDir, 'kiosk-id': kioskId, location } = values;
const count = values.count === undefined ? Number.POSITIVE_INFINITY : Number(values.count);

const SOURCES = [
  ['camera', 'cam-0'],
  ['wedge', 'keyboard'],
  ['serial', '/dev/ttyUSB0'],
  ['chip', 'acr122u'],
  ['manual', 'staff'],
] as const;
const DIRECTIONS: readonly EntryDirection[] = ['in', 'out', 'boarding', 'alighting'];
const VERDICTS = [
  ['green', ['vaccinated-full']],
  ['yellow', ['vaccinated-partial', 'test-expired']],
  ['red', ['no-record']],
  ['none', ['cccd.id-format']],
] as const;

/** The i-th entry a busy gate might log: every field varies, one in 50 is an override, one in 40 unreadable. */
function entryFields(i: number): EntryFields {
  const [sourceKind, sourceDeviceId] = SOURCES[i % SOURCES.length] as (typeof SOURCES)[number];
  const [outcome, reasonCodes] = VERDICTS[(i * 7) % VERDICTS.length] as (typeof VERDICTS)[number];
  const unreadable = i % 40 === 39;
  return {
    at: toVietnamIso(Date.UTC(2021, 9, 20, 1) + i * 1_500),
    kioskId,
    location,
    lane: String(1 + (i % 3)),
    direction: DIRECTIONS[i % DIRECTIONS.length] as EntryDirection,
    sourceKind,
    sourceDeviceId,
    credentialKind: unreadable ? 'unknown' : i % 5 === 3 ? 'dcc' : 'cccd-qr',
    authenticity: unreadable ? 'none' : i % 5 === 3 ? 'signed-valid' : 'unsigned',
    personId: unreadable ? null : `0790${String(90_000_000 + ((i * 7_919) % 9_999_999)).padStart(8, '0')}`,
    outcome: unreadable ? 'none' : outcome,
    reasonCodes: [...reasonCodes],
    ruleSet: unreadable ? null : 'khanh-hoa-2021-10@1.0.0',
    override: i % 50 === 49 ? { by: 'staff-7', reason: 'thẻ mờ, đã đối chiếu giấy tờ' } : null,
  };
}

const db = openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE));
const log = new EntryLog(db);
const hashOf = db.prepare<[number], { hash: Buffer }>('SELECT hash FROM entry WHERE seq = ?');
const ack = (seq: number): void => void process.stdout.write(`ack ${seq} ${hashOf.get(seq)?.hash.toString('hex') ?? '?'}\n`);

// Fields continue the pattern after the log's tail, so rounds on one file differ from each other.
const offset = db.prepare<[], { n: number | null }>('SELECT max(seq) AS n FROM entry').get()?.n ?? 0;
let appended = 0;
if (values.fill === true) {
  while (appended < count) {
    const step = Math.min(FILL_STEP, count - appended);
    const last = db.transaction(() => {
      let seq = 0;
      for (let k = 0; k < step; k++) seq = log.append(entryFields(offset + appended + k));
      return seq;
    })();
    appended += step;
    ack(last);
  }
} else {
  while (appended < count) {
    const seq = log.append(entryFields(offset + appended));
    appended += 1;
    ack(seq);
  }
}
db.close();
