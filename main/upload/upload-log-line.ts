import type { SyncStatus } from '../sync/sync-loop.js';

/**
 * The operator log's line for a state of the entry log's upload. `watermark` is the
 * highest entry the hub's receipts vouch for, 0 before the first receipt: then the hub
 * holds nothing yet, and a range "1–0" would say otherwise.
 */
export function uploadLogLine(status: Pick<SyncStatus<unknown>, 'state' | 'watermark' | 'lastError'>): string {
  if (status.lastError !== undefined) return `upload ${status.state}: ${status.lastError.code}: ${status.lastError.message}`;
  if (status.watermark <= 0) return `upload ${status.state}: nothing uploaded yet`;
  if (status.watermark === 1) return `upload ${status.state}: the hub holds entry 1`;
  return `upload ${status.state}: the hub holds entries 1–${status.watermark}`;
}
