import type { Bilingual } from '../../domain/text/bilingual.js';

export type CameraState = 'starting' | 'scanning' | 'unsupported' | 'denied' | 'no-camera' | 'busy' | 'failed' | 'decoder-failed';

/** What the idle screen says about the camera: the other scanners keep working whatever it says. */
export const CAMERA_STATUS: Readonly<Record<CameraState, Bilingual>> = {
  starting: { vi: 'Đang mở camera…', en: 'Opening the camera…' },
  scanning: { vi: 'Camera: đưa mã QR vào khung hình', en: 'Camera: hold the QR code up to the camera' },
  unsupported: { vi: 'Trình duyệt này không dùng được camera', en: 'This browser cannot use a camera' },
  denied: { vi: 'Không được phép dùng camera — hãy cho phép trong trình duyệt', en: 'Camera permission denied — allow it in the browser' },
  'no-camera': { vi: 'Không tìm thấy camera', en: 'No camera found' },
  busy: { vi: 'Camera đang bị ứng dụng khác dùng', en: 'The camera is in use by another application' },
  failed: { vi: 'Không mở được camera', en: 'The camera could not be opened' },
  'decoder-failed': { vi: 'Không tải được bộ giải mã QR của camera', en: 'The camera’s QR decoder could not load' },
};

/** The state a getUserMedia rejection means (DOMException names, as browsers give them). */
export function cameraStateOf(error: unknown): CameraState {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no-camera';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
  return 'failed';
}
