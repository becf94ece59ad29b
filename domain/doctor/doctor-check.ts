import { REQUEST_CLOCK_WINDOW_MS } from '../sync/signed-request.js';
import type { Bilingual } from '../text/bilingual.js';

/**
 * One line of `chot doctor`: what an installer checks on site, judged OK / WARN / FAIL, with
 * what to do about it in both languages. WARN is something a working gate can live with
 * (offline from the hub for a while, no encryption configured); FAIL is something that stops
 * the gate deciding correctly (a damaged database, data past its stale threshold, a device
 * named in devices.json that is not there).
 */
export type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck extends Bilingual {
  /** Stable, for the hub's inventory (`--json`): e.g. `database.facts`, `hub.clock`. */
  readonly id: string;
  readonly status: DoctorStatus;
  /** What to do, when the status is not OK. */
  readonly fix?: Bilingual;
  /** Machine-facing facts behind the judgement (numbers, paths, states); never personal data. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** 0 when nothing FAILed (WARN is allowed: an offline gate still works), 1 otherwise. */
export function doctorExitCode(checks: readonly DoctorCheck[]): 0 | 1 {
  return checks.some((check) => check.status === 'fail') ? 1 : 0;
}

/**
 * Clock difference to the hub within which the kiosk's clock is fine, and beyond which it is
 * wrong: the hub refuses a signed request whose time is further off than its window.
 */
export const CLOCK_SKEW_WARN_MS = 60_000;
export const CLOCK_SKEW_FAIL_MS = REQUEST_CLOCK_WINDOW_MS;

/**
 * The kiosk's clock against the hub's. A minute apart is normal drift on a board without a
 * real-time clock; past the window the hub refuses the kiosk, and the entry log's times and
 * the validity windows of certificates and rule sets are wrong.
 */
export function judgeClockSkew(skewMs: number): DoctorStatus {
  const off = Math.abs(skewMs);
  if (off > CLOCK_SKEW_FAIL_MS) return 'fail';
  return off > CLOCK_SKEW_WARN_MS ? 'warn' : 'ok';
}

/** Free space below which the entry log and sync soon cannot write (FAIL), or will within weeks (WARN). */
export const DISK_FREE_FAIL_BYTES = 100 * 1024 * 1024;
export const DISK_FREE_WARN_BYTES = 1024 * 1024 * 1024;

export function judgeDiskFree(freeBytes: number): DoctorStatus {
  if (freeBytes < DISK_FREE_FAIL_BYTES) return 'fail';
  return freeBytes < DISK_FREE_WARN_BYTES ? 'warn' : 'ok';
}

/** A size as people read it (MiB below a GiB). */
export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.floor(bytes / 1024 ** 2)} MiB`;
}
