/**
 * Enrolled kiosks counted for the metrics: by state, and the active ones by how long ago the
 * hub last received an upload from them (their chain's last update) and by how long ago it
 * last heard from them at all (any authenticated request: a kiosk that syncs but has nobody
 * to log is alive). Both in storage: they survive a restart and are the same for every hub
 * process. Counts only, from one aggregate query of a few rows whatever the number of
 * kiosks: no kiosk is named.
 */
export interface KioskCensus {
  readonly active: number;
  readonly revoked: number;
  /** Active kiosks by their last upload's age bucket. */
  readonly lastUpload: Readonly<Record<LastUploadBucket, number>>;
  /** Active kiosks by their last sighting's age bucket (hub/devices/device-status-store.ts). */
  readonly lastSeen: Readonly<Record<LastUploadBucket, number>>;
}

/**
 * Age buckets, each an upper bound (`le`, as Prometheus's histograms): a kiosk counts in the
 * first it fits. `never`: enrolled and no upload yet; `older`: beyond the last bound.
 */
export const LAST_UPLOAD_BUCKETS = [
  { name: '5m', seconds: 5 * 60 },
  { name: '1h', seconds: 3600 },
  { name: '24h', seconds: 24 * 3600 },
  { name: '7d', seconds: 7 * 24 * 3600 },
] as const;

export type LastUploadBucket = (typeof LAST_UPLOAD_BUCKETS)[number]['name'] | 'older' | 'never';

export const LAST_UPLOAD_BUCKET_NAMES: readonly LastUploadBucket[] = [...LAST_UPLOAD_BUCKETS.map((b) => b.name), 'older', 'never'];

/**
 * The SQL CASE naming an age's bucket, for both engines: `age` is a column of the age in
 * seconds (NULL: never), compared with the bounds above (constants: no parameter needed).
 */
export function bucketCase(age: string): string {
  const arms = LAST_UPLOAD_BUCKETS.map((b) => `WHEN ${age} <= ${b.seconds} THEN '${b.name}'`).join(' ');
  return `CASE WHEN ${age} IS NULL THEN 'never' ${arms} ELSE 'older' END`;
}

/** Folds the query's rows (revoked, upload bucket, sighting bucket, count) into the census. */
export function censusOf(
  rows: readonly { readonly revoked: boolean; readonly bucket: string; readonly seenBucket: string; readonly n: number }[],
): KioskCensus {
  const zeros = (): Record<LastUploadBucket, number> =>
    Object.fromEntries(LAST_UPLOAD_BUCKET_NAMES.map((name) => [name, 0])) as Record<LastUploadBucket, number>;
  const lastUpload = zeros();
  const lastSeen = zeros();
  let active = 0;
  let revoked = 0;
  for (const row of rows) {
    if (row.revoked) revoked += row.n;
    else {
      active += row.n;
      lastUpload[bucketNamed(row.bucket)] += row.n;
      lastSeen[bucketNamed(row.seenBucket)] += row.n;
    }
  }
  return { active, revoked, lastUpload, lastSeen };
}

function bucketNamed(name: string): LastUploadBucket {
  if (!(LAST_UPLOAD_BUCKET_NAMES as readonly string[]).includes(name)) throw new Error(`unknown bucket ${name}`);
  return name as LastUploadBucket;
}
