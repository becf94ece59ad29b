import { describe, expect, it } from 'vitest';
import { cameraRequested } from '../../../../renderer/camera/camera-scanner.js';
import { CAMERA_STATUS, cameraStateOf } from '../../../../renderer/camera/camera-status.js';

describe('camera status', () => {
  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['NotReadableError', 'busy'],
    ['TypeError', 'failed'],
  ])('a getUserMedia %s means %s', (name, state) => {
    const error = new Error('x');
    error.name = name;
    expect(cameraStateOf(error)).toBe(state);
  });

  it('a rejection that is not an error at all is a failure, not a crash', () => {
    expect(cameraStateOf(undefined)).toBe('failed');
    expect(cameraStateOf('nope')).toBe('failed');
  });

  it('every state has a Vietnamese and an English line', () => {
    for (const text of Object.values(CAMERA_STATUS)) {
      expect(text.vi).not.toBe('');
      expect(text.en).not.toBe('');
      expect(text.vi).not.toBe(text.en);
    }
  });

  it('the camera is asked for by camera=1 in the URL fragment only', () => {
    expect(cameraRequested('#token=abc&camera=1')).toBe(true);
    expect(cameraRequested('#token=abc')).toBe(false);
    expect(cameraRequested('#token=abc&camera=0')).toBe(false);
  });
});
