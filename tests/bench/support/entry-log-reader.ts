// A worker thread standing in for the kiosk's entry uploader: its own connection to the
// kiosk database, reading the log in batches of `batch` rows by seq (as an upload would,
// JSON included), over and over, until the main thread sets the stop flag. It shares the
// machine's cores with the appender, which is the point: the entry-log benchmark measures
// what a durable append costs while this runs.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface ReaderOptions {
  readonly file: string;
  readonly batch: number;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks the reader to stop. */
  readonly stop: SharedArrayBuffer;
}

export interface ReaderReport {
  readonly batches: number;
  readonly rows: number;
  /** Milliseconds per batch read (query + JSON), in order. */
  readonly batchMs: number[];
}

const options = workerData as ReaderOptions;
const stop = new Int32Array(options.stop);
const db = new Database(options.file, { readonly: true });
db.pragma('busy_timeout = 5000');
const page = db.prepare<[number, number], { seq: number }>('SELECT * FROM entry WHERE seq > ? ORDER BY seq LIMIT ?');
const batchMs: number[] = [];
let rows = 0;
let after = 0;
parentPort?.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  const started = performance.now();
  const batch = page.all(after, options.batch);
  // An uploader serialises what it read; that CPU is part of the load on the kiosk.
  JSON.stringify(batch);
  batchMs.push(performance.now() - started);
  rows += batch.length;
  // At the end of the log, start again from the beginning: the log only grows meanwhile.
  after = batch.length < options.batch ? 0 : (batch.at(-1)?.seq ?? 0);
}
db.close();
const report: ReaderReport = { batches: batchMs.length, rows, batchMs };
parentPort?.postMessage(report);
