import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EnrollmentService } from '../../hub/enrollment/enrollment-service.js';
import { openHubStorage } from '../../hub/storage/open-hub-storage.js';
import { loadDeviceIdentity } from '../../main/hub-client/device-identity.js';
import { enrollKiosk } from '../../main/enrollment/enroll-kiosk.js';
import { EntryLog, type EntryFields } from '../../main/store/entry-log.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../main/store/kiosk-database.js';
import { HubClient } from '../../main/hub-client/hub-client.js';
import { readPinnedHubKeys } from '../../main/trust/hub-keys-file.js';
import { EntryOutbox } from '../../main/upload/entry-outbox.js';
import { EntryUploader } from '../../main/upload/entry-uploader.js';
import { tempDataDir } from '../support/kiosk-process.js';
import { round, type BenchFigure, type Benchmark } from './bench-types.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';

const NAME = 'entry-upload';
const GOAL_SECONDS_PER_MILLION = 60;

/** A plausible day at a market gate: times, people, colours and credential kinds vary. */
function entry(kioskId: string, location: string, i: number): EntryFields {
  const at = new Date(Date.UTC(2021, 9, 1) + i * 1_500);
  return {
    at: `${at.toISOString().slice(0, 23)}+07:00`,
    kioskId,
    location,
    lane: String(1 + (i % 3)),
    direction: i % 2 === 0 ? 'in' : 'out',
    sourceKind: i % 5 === 0 ? 'camera' : 'serial',
    sourceDeviceId: i % 5 === 0 ? 'cam-0' : '/dev/ttyACM0',
    credentialKind: ['cccd-qr', 'pass', 'bhyt-qr', 'manual'][i % 4] as string,
    authenticity: i % 4 === 1 ? 'signed-valid' : 'unsigned',
    personId: `0790950${String((i * 7_919) % 100_000).padStart(5, '0')}`,
    outcome: i % 11 === 0 ? 'red' : i % 7 === 0 ? 'yellow' : 'green',
    reasonCodes: i % 11 === 0 ? ['not-vaccinated'] : ['vaccinated-full'],
    ruleSet: 'khanh-hoa-2021-10@1.0.0',
    override: null,
  };
}

/**
 * The upload figure: a kiosk that was offline with N buffered entries
 * (CHOT_BENCH_UPLOAD_ENTRIES, default 1 000 000) uploads them to `chot hub serve` (its own
 * process, SQLite) over loopback HTTP, through the real uploader: batches of 2 000 read
 * from kiosk.sqlite, gzip, signed, ingested (hash and chain checked per entry), each
 * signed receipt verified. The time runs from the first read to the last receipt.
 */
export const entryUpload: Benchmark = {
  name: NAME,
  description: 'kiosk with N buffered entries → chot hub serve over loopback: batches signed, ingested and receipted',
  async run(): Promise<BenchFigure[]> {
    const n = Number(process.env['CHOT_BENCH_UPLOAD_ENTRIES'] ?? 1_000_000);
    const dir = tempDataDir('chot-bench-upload-');
    const [hubDir, kioskDir] = [join(dir, 'hub'), join(dir, 'kiosk')];
    mkdirSync(hubDir);
    mkdirSync(kioskDir);
    const say = (text: string): void => void process.stderr.write(`  ${NAME}: ${text}\n`);
    const figures: BenchFigure[] = [];
    let hub: HubProcess | undefined;
    try {
      const admin = await openHubStorage({ dataDir: hubDir });
      const { code } = await new EnrollmentService(admin.enrollment).createCode('Chợ Đầm');
      await admin.close();
      hub = await startHubProcess(hubDir);
      const { config } = await enrollKiosk({ dataDir: kioskDir, hubUrl: hub.url, code });

      // The backlog, logged through EntryLog (one outer transaction: seeding, not the figure).
      let started = performance.now();
      const db = openKioskDatabase(join(kioskDir, KIOSK_DATABASE_FILE));
      const log = new EntryLog(db);
      db.transaction(() => {
        for (let i = 1; i <= n; i += 1) log.append(entry(config.deviceId, config.location, i));
      })();
      say(`${n.toLocaleString('en')} entries logged in ${round((performance.now() - started) / 1000, 1)} s`);

      const identity = loadDeviceIdentity(kioskDir);
      if (identity === undefined) throw new Error('the kiosk has no device identity after enrolment');
      const uploader = new EntryUploader({
        outbox: new EntryOutbox(db),
        upload: (body, signal) => client.uploadEntries(body, signal),
        deviceId: config.deviceId,
        hubKeys: readPinnedHubKeys(kioskDir),
      });
      const client = new HubClient({ url: hub.url, identity });
      started = performance.now();
      const summary = await uploader.uploadPending(new AbortController().signal);
      const seconds = (performance.now() - started) / 1000;
      db.close();

      const check = await openHubStorage({ dataDir: hubDir });
      const chain = await check.entries.chain(config.deviceId);
      await check.close();
      if (summary.watermark !== n || chain?.contiguousSeq !== n)
        throw new Error(`upload incomplete: receipt ${summary.watermark}, hub holds 1–${chain?.contiguousSeq ?? 0} of ${n}`);
      const goalSeconds = (GOAL_SECONDS_PER_MILLION * n) / 1_000_000;
      figures.push(
        {
          benchmark: NAME,
          metric: `upload of ${n.toLocaleString('en')} buffered entries, end to end`,
          value: round(seconds, 1),
          unit: 's',
          goal: { text: `≤ ${round(goalSeconds, 1)} s (1 M in 60 s)`, met: seconds <= goalSeconds },
        },
        {
          benchmark: NAME,
          metric: 'upload rate (kiosk read + gzip + sign, hub ingest + receipt)',
          value: Math.round(n / seconds),
          unit: 'entries/s',
          samples: summary.batches,
        },
      );
      const hubRss = hub.peakRssBytes();
      if (hubRss !== undefined)
        figures.push({ benchmark: NAME, metric: 'hub peak RSS during the upload, not a goal', value: round(hubRss / 2 ** 20, 0), unit: 'MB' });
      return figures;
    } finally {
      await hub?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
