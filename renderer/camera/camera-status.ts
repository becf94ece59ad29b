import type { Bilingual } from '../../domain/text/bilingual.js';

/**
 * What the camera is doing, as the idle screen shows it. `scanning` and `seen` show the live
 * preview with its aiming frame; every other state after `starting` is a fault, shown as words
 * that tell staff what to do (the wedge and the other scanners keep working whatever it says).
 */
export type CameraState =
  'starting' | 'scanning' | 'seen' | 'unsupported' | 'denied' | 'no-camera' | 'unsuitable' | 'busy' | 'interrupted' | 'lost' | 'failed' | 'decoder-failed';

/** A state with the browser's own words for a fault (its DOMException name, a worker's message), for diagnostics only. */
export interface CameraReport {
  readonly state: CameraState;
  readonly detail?: string;
}

/** The states with a live picture: the preview and its aiming frame are shown only in these. */
export const LIVE_STATES: ReadonlySet<CameraState> = new Set<CameraState>(['starting', 'scanning', 'seen']);

/**
 * The words for each state. A fault says what happened and what staff should do about it; the
 * browser's own name for the error (NotFoundError…) is never on the public screen: it goes to
 * the status line's data-detail and the console for whoever diagnoses the kiosk.
 */
export const CAMERA_STATUS: Readonly<Record<CameraState, Bilingual>> = {
  starting: { vi: 'Đang mở camera…', en: 'Opening the camera…' },
  scanning: { vi: 'Đưa mã QR vào khung', en: 'Hold the QR code inside the frame' },
  seen: { vi: 'Đã thấy mã — giữ yên', en: 'Code seen — hold still' },
  unsupported: {
    vi: 'Trình duyệt này không dùng được camera — mở kiosk bằng Chromium hoặc ứng dụng Chốt',
    en: 'This browser cannot use a camera — open the kiosk in Chromium or the Chốt app',
  },
  denied: {
    vi: 'Camera bị chặn — cho phép camera cho trang kiosk rồi tải lại trang',
    en: 'Camera blocked — allow the camera for the kiosk page, then reload it',
  },
  'no-camera': { vi: 'Không tìm thấy camera — kiểm tra dây cắm', en: 'No camera found — check the cable' },
  unsuitable: {
    vi: 'Camera này không quay được ảnh cần dùng — cắm camera khác',
    en: 'This camera cannot give the picture needed — plug in another camera',
  },
  busy: {
    vi: 'Camera đang bị ứng dụng khác dùng hoặc không phản hồi — đóng ứng dụng đó hoặc cắm lại camera',
    en: 'The camera is in use or not responding — close the other application or replug the camera',
  },
  interrupted: {
    vi: 'Camera bị ngắt khi đang mở — cắm lại camera rồi tải lại trang',
    en: 'The camera stopped while opening — replug it, then reload the page',
  },
  lost: { vi: 'Mất hình từ camera — kiểm tra dây cắm rồi tải lại trang', en: 'The camera’s picture was lost — check the cable, then reload the page' },
  failed: { vi: 'Không mở được camera — tải lại trang', en: 'The camera could not be opened — reload the page' },
  'decoder-failed': {
    vi: 'Bộ đọc mã QR của camera bị lỗi — khởi động lại kiosk',
    en: 'The camera’s QR reader failed — restart the kiosk',
  },
};

/**
 * The state a getUserMedia rejection means. The names are those the Media Capture and Streams
 * spec gives getUserMedia (AbortError, InvalidStateError, NotAllowedError, NotFoundError,
 * NotReadableError, OverconstrainedError, SecurityError, TypeError), NotSupportedError from
 * its earlier drafts, and the names older Chromium gave the same failures.
 */
const STATE_OF_ERROR_NAME: Readonly<Record<string, CameraState>> = {
  NotAllowedError: 'denied',
  PermissionDeniedError: 'denied',
  // Camera use is switched off for the document (permissions policy, insecure context).
  SecurityError: 'denied',
  NotFoundError: 'no-camera',
  DevicesNotFoundError: 'no-camera',
  OverconstrainedError: 'unsuitable',
  ConstraintNotSatisfiedError: 'unsuitable',
  NotReadableError: 'busy',
  TrackStartError: 'busy',
  AbortError: 'interrupted',
  NotSupportedError: 'unsupported',
};

/** The name of a rejection (a DOMException, an Error, or anything with a name), '' if none. */
export function errorNameOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error) return String((error as { name: unknown }).name);
  return '';
}

export function cameraStateOf(error: unknown): CameraState {
  const name = errorNameOf(error);
  // Own keys only: a name such as "constructor" is no state.
  return Object.hasOwn(STATE_OF_ERROR_NAME, name) ? (STATE_OF_ERROR_NAME[name] as CameraState) : 'failed';
}
