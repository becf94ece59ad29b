import { describe, expect, it } from 'vitest';
import { cameraRequested } from '../../../../renderer/camera/camera-scanner.js';
import { CAMERA_STATUS, LIVE_STATES, cameraStateOf, errorNameOf, type CameraState } from '../../../../renderer/camera/camera-status.js';

/**
 * Every name getUserMedia rejects with in the Media Capture and Streams spec, NotSupportedError
 * from its earlier drafts, and the names older Chromium used for the same failures.
 */
const REJECTIONS: readonly (readonly [string, CameraState])[] = [
  ['AbortError', 'interrupted'],
  ['InvalidStateError', 'failed'],
  ['NotAllowedError', 'denied'],
  ['NotFoundError', 'no-camera'],
  ['NotReadableError', 'busy'],
  ['OverconstrainedError', 'unsuitable'],
  ['SecurityError', 'denied'],
  ['TypeError', 'failed'],
  ['NotSupportedError', 'unsupported'],
  ['PermissionDeniedError', 'denied'],
  ['DevicesNotFoundError', 'no-camera'],
  ['TrackStartError', 'busy'],
  ['ConstraintNotSatisfiedError', 'unsuitable'],
];

const domException = (name: string): unknown =>
  // Node has DOMException; a TypeError is a plain TypeError, as browsers reject with it.
  name === 'TypeError' ? new TypeError('x') : new DOMException('x', name);

describe('camera status', () => {
  it.each(REJECTIONS)('a getUserMedia %s means %s', (name, state) => {
    const error = domException(name);
    expect(errorNameOf(error)).toBe(name);
    expect(cameraStateOf(error)).toBe(state);
  });

  it.each(REJECTIONS)('the words for a %s say what to do, in both languages, without the raw name', (name) => {
    const words = CAMERA_STATUS[cameraStateOf(domException(name))];
    for (const text of [words.vi, words.en]) {
      expect(text).not.toContain(name);
      expect(text).not.toMatch(/Error\b/);
      // What happened — what staff should do.
      expect(text).toMatch(/\S — \S/);
    }
  });

  it('says "no camera — check the cable" for NotFoundError, as staff read it', () => {
    expect(CAMERA_STATUS[cameraStateOf(new DOMException('Requested device not found', 'NotFoundError'))]).toEqual({
      vi: 'Không tìm thấy camera — kiểm tra dây cắm',
      en: 'No camera found — check the cable',
    });
  });

  it('a rejection that is not an error at all, or an unknown or inherited name, is a failure, not a crash', () => {
    expect(cameraStateOf(undefined)).toBe('failed');
    expect(cameraStateOf('nope')).toBe('failed');
    expect(cameraStateOf({ name: 'constructor' })).toBe('failed');
    expect(cameraStateOf({ name: 'SomethingNewError' })).toBe('failed');
  });

  it('every state has a Vietnamese and an English line; every fault one says what to do', () => {
    for (const [state, text] of Object.entries(CAMERA_STATUS) as [CameraState, { vi: string; en: string }][]) {
      expect(text.vi).not.toBe('');
      expect(text.en).not.toBe('');
      expect(text.vi).not.toBe(text.en);
      if (!LIVE_STATES.has(state)) expect(`${text.vi}|${text.en}`).toMatch(/\S — \S.*\|.*\S — \S/);
    }
  });

  it('the aiming label and the hold-still line read as the kiosk promises', () => {
    expect(CAMERA_STATUS.scanning).toEqual({ vi: 'Đưa mã QR vào khung', en: 'Hold the QR code inside the frame' });
    expect(CAMERA_STATUS.seen).toEqual({ vi: 'Đã thấy mã — giữ yên', en: 'Code seen — hold still' });
  });

  it('the camera is asked for by camera=1 in the URL fragment only', () => {
    expect(cameraRequested('#token=abc&camera=1')).toBe(true);
    expect(cameraRequested('#token=abc')).toBe(false);
    expect(cameraRequested('#token=abc&camera=0')).toBe(false);
  });
});
