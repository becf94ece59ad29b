import { describe, expect, it } from 'vitest';
import { cameraRequested } from '../../../../renderer/camera/camera-scanner.js';
import { CAMERA_STATUS, cameraStateOf } from '../../../../renderer/camera/camera-status.js';
import { ScanDeduper } from '../../../../renderer/camera/scan-deduper.js';

describe('ScanDeduper (one card held in view is one scan)', () => {
  it('takes a new text at once', () => {
    const dedupe = new ScanDeduper(3000);
    expect(dedupe.accept('A', 0)).toBe(true);
    expect(dedupe.accept('B', 10)).toBe(true);
  });

  it('drops the same text seen again within 3 s of its last sighting, however long it stays in view', () => {
    const dedupe = new ScanDeduper(3000);
    expect(dedupe.accept('A', 0)).toBe(true);
    for (let t = 100; t <= 10_000; t += 100) expect(dedupe.accept('A', t)).toBe(false);
  });

  it('takes the same text again once it was out of view for 3 s', () => {
    const dedupe = new ScanDeduper(3000);
    expect(dedupe.accept('A', 0)).toBe(true);
    expect(dedupe.accept('A', 2999)).toBe(false);
    expect(dedupe.accept('A', 5900)).toBe(false);
    expect(dedupe.accept('A', 9000)).toBe(true);
  });

  it('takes a card back after another one was shown in between', () => {
    const dedupe = new ScanDeduper(3000);
    dedupe.accept('A', 0);
    expect(dedupe.accept('B', 500)).toBe(true);
    expect(dedupe.accept('A', 1000)).toBe(true);
  });
});

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
