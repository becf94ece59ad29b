/**
 * What the kiosk's idle screen shows about its data: how old the people's facts are and
 * what the sync is doing. Part of the contract (`KioskApi.getKioskStatus`); the wording is
 * here, pure, so the renderer only places text and the tests read the same words.
 */

import type { DeviceReport } from './device-report.js';
import type { TrustFileHeld } from './trust-files-held.js';
import type { Bilingual } from '../text/bilingual.js';

export type SyncState =
  /** Running on the built-in demo data: nothing to sync. */
  | 'demo'
  /** No hub configured (`chot enroll` not run): facts come from elsewhere or not at all. */
  | 'not-enrolled'
  /** Enrolled, the last sync succeeded; waiting for the next poll or notice. */
  | 'idle'
  | 'syncing'
  /** The hub cannot be reached: the kiosk keeps deciding on its last data. */
  | 'offline'
  /** The hub answered but the sync failed (refused data, hub error): the screen says why. */
  | 'error';

/** What the core knows about its data; `describeDataAge` turns it into the screen's line. */
export interface DataStatus {
  /** When the facts were last confirmed current by the hub (epoch ms); absent if never. */
  readonly dataSyncedAt?: number;
  /** Now − dataSyncedAt, as the core measured it (the renderer's clock may differ). */
  readonly dataAgeMs?: number;
  /** The hub sequence the facts are complete up to. */
  readonly watermark?: number;
  readonly sync: {
    readonly state: SyncState;
    /** The last failure, kept until a sync succeeds. */
    readonly lastError?: { readonly code: string; readonly message: string };
  };
  /** Data older than this makes green verdicts yellow (the stale-data policy's default). */
  readonly staleAfterMs: number;
}

/**
 * `KioskApi.getKioskStatus`'s answer. The line is worded by the core, from the core's clock
 * (the one the facts' ages are measured on), each time the renderer asks.
 */
export interface KioskStatus extends DataStatus {
  readonly dataLine: DataAgeLine;
  /** Whether verdicts can be trusted on this data (kiosk-readiness.ts): NOT READY replaces the idle screen. */
  readonly readiness: Readiness;
  /** The rule set in force now, for the idle and operator screens. */
  readonly ruleSet: { readonly id: string; readonly version: string };
  /** The hub-signed trust files installed, by kind, for the operator screen (absent: the core does not say). */
  readonly trustFiles?: readonly TrustFileHeld[];
  /** Enrolled kiosks: the entry log's upload to the hub. */
  readonly upload?: UploadStatus;
  /** A line for the idle screen when the upload needs someone's attention (see describeUpload). */
  readonly uploadLine?: DataAgeLine;
  /** The scanners and relays the kiosk drives (absent when it drives none: wedge and camera only). */
  readonly devices?: readonly DeviceReport[];
  /** A line for the idle and verdict screens while a device is faulted (see describeDevices). */
  readonly deviceLine?: DataAgeLine;
}

/** Whether verdicts can be trusted on the data: decided by decideReadiness (kiosk-readiness.ts). */
export type ReadinessState = 'ready' | 'out-of-date' | 'not-ready';

export const READINESS_STATES = ['ready', 'out-of-date', 'not-ready'] as const satisfies readonly ReadinessState[];

export interface Readiness {
  readonly state: ReadinessState;
  /** A shape for the state, so the banner never relies on colour alone. */
  readonly glyph: string;
  /** The headline: "DỮ LIỆU CHƯA SẴN SÀNG · NOT READY", "DỮ LIỆU CŨ · OUT OF DATE", or empty when ready. */
  readonly headline: Bilingual;
  /** What is missing: never synced, or synced N hours ago against the threshold. */
  readonly line: Bilingual;
  /** What staff do about it (empty when ready). */
  readonly advice: Bilingual;
}

/** The entry log's upload, as the core reports it. */
export interface UploadStatus {
  readonly state: 'idle' | 'uploading' | 'offline' | 'error';
  /** Entries logged that no receipt of the hub vouches for yet. */
  readonly pending: number;
  readonly lastError?: { readonly code: string; readonly message: string };
}

/** Entries waiting this many or more while the hub is out of reach are worth a line on the screen. */
export const UPLOAD_BACKLOG_NOTICE = 100;

const UPLOAD_ERRORS: Readonly<Record<string, { vi: string; en: string }>> = {
  'upload.entries-flagged': { vi: 'máy chủ phát hiện nhật ký bị sửa — báo quản trị', en: 'the hub found edited log entries — report the kiosk' },
  'upload.entries-noted': {
    vi: 'máy chủ ghi nhận lượt quét sai giờ hoặc sai địa điểm — kiểm tra đồng hồ, báo quản trị',
    en: 'the hub noted scans with a wrong time or place — check the clock, report the kiosk',
  },
  'upload.receipt-mismatch': { vi: 'máy chủ giữ nhật ký khác — báo quản trị', en: 'the hub holds a different log — report the kiosk' },
};

/**
 * The idle screen's upload line, or undefined when all is well: an upload refused or
 * failing (an error), or a backlog building while the hub is out of reach. Entries are
 * safe on the kiosk meanwhile; the line tells staff someone should look.
 */
export function describeUpload(upload: UploadStatus): DataAgeLine | undefined {
  const count = upload.pending.toLocaleString('vi-VN');
  if (upload.state === 'error') {
    const words = UPLOAD_ERRORS[upload.lastError?.code ?? ''] ?? { vi: 'lỗi gửi nhật ký', en: 'log upload failing' };
    return {
      level: 'stale',
      glyph: GLYPHS.stale,
      vi: `Nhật ký: ${words.vi} (${count} lượt chưa gửi)`,
      en: `Log: ${words.en} (${upload.pending} not uploaded)`,
    };
  }
  if (upload.state === 'offline' && upload.pending >= UPLOAD_BACKLOG_NOTICE) {
    return {
      level: 'aging',
      glyph: GLYPHS.aging,
      vi: `Nhật ký: ${count} lượt chờ gửi (mất kết nối)`,
      en: `Log: ${upload.pending} entries waiting (hub unreachable)`,
    };
  }
  return undefined;
}

export type DataAgeLevel = 'fresh' | 'aging' | 'stale' | 'unknown';

export interface DataAgeLine {
  readonly level: DataAgeLevel;
  /** A shape for the level, so the line never relies on colour alone. */
  readonly glyph: string;
  readonly vi: string;
  readonly en: string;
}

const GLYPHS: Readonly<Record<DataAgeLevel, string>> = { fresh: '●', aging: '◐', stale: '▲', unknown: '○' };

const STATE_WORDS: Readonly<Record<SyncState, { vi: string; en: string } | undefined>> = {
  demo: { vi: 'dữ liệu demo', en: 'demo data' },
  'not-enrolled': { vi: 'chưa đăng ký với máy chủ', en: 'not enrolled with a hub' },
  idle: undefined,
  syncing: { vi: 'đang đồng bộ', en: 'syncing' },
  offline: { vi: 'mất kết nối máy chủ', en: 'hub unreachable' },
  error: { vi: 'lỗi đồng bộ', en: 'sync error' },
};

/** "5 phút" / "5 min": whole minutes under two hours, whole hours under two days, then days. */
export function formatAge(ageMs: number): { vi: string; en: string } {
  const minutes = Math.floor(Math.max(0, ageMs) / 60_000);
  if (minutes < 1) return { vi: 'vừa xong', en: 'just now' };
  if (minutes < 120) return { vi: `${minutes} phút trước`, en: `${minutes} min ago` };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { vi: `${hours} giờ trước`, en: `${hours} h ago` };
  const days = Math.floor(hours / 24);
  return { vi: `${days} ngày trước`, en: `${days} days ago` };
}

/**
 * The idle screen's data line. Aging from half the stale threshold, so staff see it coming
 * before verdicts turn yellow; stale from the threshold, as the rules judge it.
 */
export function describeDataAge(status: DataStatus): DataAgeLine {
  const state = STATE_WORDS[status.sync.state];
  const suffix = (text: { vi: string; en: string }): { vi: string; en: string } =>
    state === undefined ? text : { vi: `${text.vi} · ${state.vi}`, en: `${text.en} · ${state.en}` };
  if (status.dataAgeMs === undefined) {
    const text = suffix({ vi: 'Dữ liệu: chưa đồng bộ', en: 'Data: never synced' });
    return { level: 'unknown', glyph: GLYPHS.unknown, ...text };
  }
  const age = formatAge(status.dataAgeMs);
  const level: DataAgeLevel = status.dataAgeMs > status.staleAfterMs ? 'stale' : status.dataAgeMs > status.staleAfterMs / 2 ? 'aging' : 'fresh';
  const head =
    level === 'stale'
      ? { vi: `Dữ liệu CŨ — cập nhật ${age.vi}`, en: `Data OUT OF DATE — updated ${age.en}` }
      : { vi: `Dữ liệu cập nhật ${age.vi}`, en: `Data updated ${age.en}` };
  return { level, glyph: GLYPHS[level], ...suffix(head) };
}
