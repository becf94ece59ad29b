import { describe, expect, it } from 'vitest';
import { installMediaPolicy, permissionAllowed, type PermissionSession } from '../../../../main/electron/media-permissions.js';

const APP_ORIGIN = 'app://kiosk';
const CAMERA_ON = { appOrigin: APP_ORIGIN, camera: true };
const CAMERA_OFF = { appOrigin: APP_ORIGIN, camera: false };

describe('permissionAllowed', () => {
  it.each([
    ['video for our page, camera on', { permission: 'media', requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['video'] }, CAMERA_ON, true],
    ['video for our page, camera off', { permission: 'media', requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['video'] }, CAMERA_OFF, false],
    ['the microphone', { permission: 'media', requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['audio'] }, CAMERA_ON, false],
    ['video and audio together', { permission: 'media', requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['video', 'audio'] }, CAMERA_ON, false],
    ['media naming no type', { permission: 'media', requestingUrl: `${APP_ORIGIN}/index.html` }, CAMERA_ON, false],
    ['video for another origin', { permission: 'media', requestingUrl: 'https://example.com/', mediaTypes: ['video'] }, CAMERA_ON, false],
    ['an unparsable origin', { permission: 'media', requestingUrl: 'not a url', mediaTypes: ['video'] }, CAMERA_ON, false],
    ['geolocation', { permission: 'geolocation', requestingUrl: `${APP_ORIGIN}/index.html` }, CAMERA_ON, false],
    ['serial from the page', { permission: 'serial', requestingUrl: `${APP_ORIGIN}/index.html` }, CAMERA_ON, false],
    ['notifications', { permission: 'notifications', requestingUrl: `${APP_ORIGIN}/index.html` }, CAMERA_ON, false],
  ])('%s', (_name, question, policy, expected) => {
    expect(permissionAllowed(question, policy)).toBe(expected);
  });
});

describe('installMediaPolicy', () => {
  function installed(camera: boolean) {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | undefined;
    const logs: string[] = [];
    installMediaPolicy(
      { setPermissionRequestHandler: (handler) => (request = handler), setPermissionCheckHandler: (handler) => (check = handler) },
      { appOrigin: APP_ORIGIN, camera },
      (message) => logs.push(message),
    );
    if (request === undefined || check === undefined) throw new Error('both handlers must be installed');
    return { request, check, logs };
  }

  it('grants the camera to our page and refuses the microphone, with a log line', () => {
    const { request, logs } = installed(true);
    const answers: boolean[] = [];
    request(null, 'media', (granted) => answers.push(granted), { requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['video'] });
    request(null, 'media', (granted) => answers.push(granted), { requestingUrl: `${APP_ORIGIN}/index.html`, mediaTypes: ['audio'] });
    expect(answers).toEqual([true, false]);
    expect(logs).toEqual(['refused permission media (audio)']);
  });

  it('answers permission checks the same way', () => {
    expect(installed(true).check(null, 'media', APP_ORIGIN, { mediaType: 'video' })).toBe(true);
    expect(installed(true).check(null, 'media', APP_ORIGIN, { mediaType: 'unknown' })).toBe(false);
    expect(installed(false).check(null, 'media', APP_ORIGIN, { mediaType: 'video' })).toBe(false);
  });
});
