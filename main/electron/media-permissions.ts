import { urlOrigin } from './url-origin.js';

/**
 * Which permission requests the kiosk's window may have granted. Electron grants every
 * permission by default; the kiosk grants exactly one, and only when the camera is enabled
 * (`chot start --camera`): video capture for our own page. Microphone, notifications,
 * geolocation, HID/serial from the page and everything else are refused — the devices are
 * the core's, never the renderer's.
 */
export interface PermissionQuestion {
  readonly permission: string;
  /** The page asking (Electron's `requestingUrl` / `requestingOrigin`). */
  readonly requestingUrl: string;
  /** For 'media': what the page wants to capture. */
  readonly mediaTypes?: readonly string[];
}

export interface MediaPolicy {
  readonly appOrigin: string;
  readonly camera: boolean;
}

export function permissionAllowed(question: PermissionQuestion, policy: MediaPolicy): boolean {
  if (!policy.camera || question.permission !== 'media') return false;
  if (urlOrigin(question.requestingUrl) !== policy.appOrigin) return false;
  // A request naming no media type cannot be told from one asking for the microphone.
  const types = question.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'video');
}

/** The part of Electron's Session the policy installs itself on, so a test can hand in a fake. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string; mediaTypes?: string[] }) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string, details: { mediaType?: string }) => boolean): void;
}

export function installMediaPolicy(session: PermissionSession, policy: MediaPolicy, log: (message: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const question = {
      permission,
      requestingUrl: details.requestingUrl ?? '',
      ...(details.mediaTypes === undefined ? {} : { mediaTypes: details.mediaTypes }),
    };
    const granted = permissionAllowed(question, policy);
    if (!granted) log(`refused permission ${permission}${details.mediaTypes === undefined ? '' : ` (${details.mediaTypes.join(', ')})`}`);
    callback(granted);
  });
  // Checks (e.g. enumerateDevices labels) answer the same question without a request.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(
      {
        permission,
        requestingUrl: requestingOrigin,
        ...(details.mediaType === undefined || details.mediaType === 'unknown' ? {} : { mediaTypes: [details.mediaType] }),
      },
      policy,
    ),
  );
}
