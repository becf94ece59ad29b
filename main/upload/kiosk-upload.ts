import type { AtRestKey } from '../store/at-rest-key.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../store/kiosk-database.js';
import type { UploadStatus } from '../../domain/contract/kiosk-status.js';
import { join } from 'node:path';
import type { HubClient } from '../hub-client/hub-client.js';
import { SyncLoop, type SyncStatus } from '../sync/sync-loop.js';
import { EntryOutbox } from './entry-outbox.js';
import { EntryUploader, type UploadSummary } from './entry-uploader.js';

export interface KioskUploadOptions {
  readonly dataDir: string;
  /** The key kiosk.sqlite is encrypted with; absent: not encrypted. */
  readonly atRestKey?: AtRestKey;
  readonly client: HubClient;
  readonly deviceId: string;
  readonly hubKeys: readonly string[];
  /** How long entries stay after the hub's receipt (default 21 days). */
  readonly retentionMs?: number;
  /** The wait between uploads while all goes well (default 15 s): entries reach the hub within it. */
  readonly intervalMs?: number;
  readonly onStatus?: (status: SyncStatus<UploadSummary>) => void;
}

export interface KioskUpload {
  readonly loop: SyncLoop<UploadSummary>;
  /** For the idle screen: what the upload is doing and how much waits. */
  status(): UploadStatus;
  close(): Promise<void>;
}

export const DEFAULT_UPLOAD_INTERVAL_MS = 15_000;

/**
 * The entry log's continuous upload (`chot start`, enrolled kiosks): an EntryUploader on a
 * connection of its own to kiosk.sqlite, run by a SyncLoop — at once, then every interval,
 * backing off with jitter while the hub is out of reach (for days, if need be: the log is
 * the outbox, so nothing waits in memory and a restart loses nothing).
 */
export function startKioskUpload(options: KioskUploadOptions): KioskUpload {
  const db = openKioskDatabase(join(options.dataDir, KIOSK_DATABASE_FILE), options.atRestKey);
  const uploader = new EntryUploader({
    outbox: new EntryOutbox(db),
    upload: (body, signal) => options.client.uploadEntries(body, signal),
    deviceId: options.deviceId,
    hubKeys: options.hubKeys,
    ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
  });
  const loop = new SyncLoop<UploadSummary>({
    runSync: (signal) => uploader.uploadPending(signal),
    readWatermark: async () => uploader.receiptedSeq(),
    watermark: uploader.receiptedSeq(),
    pollMs: options.intervalMs ?? DEFAULT_UPLOAD_INTERVAL_MS,
    ...(options.onStatus === undefined ? {} : { onStatus: options.onStatus }),
  });
  loop.start();
  return {
    loop,
    status: () => {
      const { state, lastError } = loop.status();
      return {
        state: state === 'syncing' ? 'uploading' : state,
        pending: uploader.pending(),
        ...(lastError === undefined ? {} : { lastError: { code: lastError.code, message: lastError.message } }),
      };
    },
    close: async () => {
      await loop.stop();
      db.close();
    },
  };
}
