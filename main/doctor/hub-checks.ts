import { judgeClockSkew, type DoctorCheck } from '../../domain/doctor/doctor-check.js';
import { messageOf } from '../../platform/message-of.js';
import { loadDeviceIdentity } from '../hub-client/device-identity.js';
import { HubClient } from '../hub-client/hub-client.js';
import { HubError, isHubError } from '../hub-client/hub-error.js';
import { loadHubConfig, type HubConfig } from '../hub-client/hub-config.js';
import { hubKeyIdOf, readPinnedHubKeys } from '../trust/hub-keys-file.js';

/**
 * The doctor's hub checks: enrolled (hub.json, device key, pinned hub key), the hub reachable
 * with the key pinned, and the kiosk's clock against the hub's (`GET /v1/status`'s serverTime).
 *
 * Offline is normal for a gate (it decides on its last data), so an unreachable hub is a WARN:
 * the data-age check turns it into a FAIL once the data is past its stale threshold.
 */

/** How long the doctor waits for the hub: an installer must not stare at a hung command. */
export const DOCTOR_HUB_TIMEOUT_MS = 3000;

export interface HubCheckOptions {
  readonly now: () => number;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

const ENROL_FIX = { vi: 'Ghi danh lại: chot enroll --hub URL --code MÃ', en: 'Enrol again: chot enroll --hub URL --code CODE' };

const CLOCK_FIX = {
  vi: 'Bật đồng bộ giờ (timedatectl set-ntp true) hoặc chỉnh giờ: giờ sai làm sai nhật ký và hạn giấy tờ',
  en: 'Turn on time sync (timedatectl set-ntp true) or set the clock: a wrong clock makes log times and validity wrong',
};

/** Enrolment as files say it; `hub` is returned for the reachability check when complete. */
export function enrolmentCheck(dataDir: string): { check: DoctorCheck; hub?: HubConfig; keys: readonly string[] } {
  let hub: HubConfig | undefined;
  let keys: string[] = [];
  try {
    hub = loadHubConfig(dataDir);
    keys = readPinnedHubKeys(dataDir);
  } catch (error) {
    return {
      check: {
        id: 'hub.enrolment',
        status: 'fail',
        vi: 'Tệp ghi danh bị hỏng',
        en: 'The enrolment files are damaged',
        detail: { problem: messageOf(error) },
        fix: ENROL_FIX,
      },
      keys,
    };
  }
  if (hub === undefined) {
    return {
      check: {
        id: 'hub.enrolment',
        status: 'warn',
        vi: 'Chưa ghi danh với hub (không có hub.json)',
        en: 'Not enrolled with a hub (no hub.json)',
        fix: { vi: 'Ghi danh: chot enroll --hub URL --code MÃ', en: 'Enrol: chot enroll --hub URL --code CODE' },
      },
      keys,
    };
  }
  const missing = loadDeviceIdentity(dataDir) === undefined ? 'device key' : keys.length === 0 ? 'pinned hub key' : undefined;
  if (missing !== undefined) {
    return {
      check: {
        id: 'hub.enrolment',
        status: 'fail',
        vi: `Ghi danh chưa đủ: thiếu ${missing === 'device key' ? 'khoá thiết bị' : 'khoá hub đã ghim'}`,
        en: `Enrolment incomplete: no ${missing}`,
        fix: ENROL_FIX,
      },
      keys,
    };
  }
  return {
    check: {
      id: 'hub.enrolment',
      status: 'ok',
      vi: `Đã ghi danh: ${hub.deviceId} tại ${hub.location}`,
      en: `Enrolled: ${hub.deviceId} at ${hub.location}`,
      detail: { deviceId: hub.deviceId, url: hub.url, pinnedKeys: keys.map(hubKeyIdOf).join(',') },
    },
    hub,
    keys,
  };
}

/** Asks the hub for its status (signed, so a revoked device hears so) and compares its key and clock. */
export async function hubReachabilityChecks(dataDir: string, hub: HubConfig, keys: readonly string[], options: HubCheckOptions): Promise<DoctorCheck[]> {
  const identity = loadDeviceIdentity(dataDir);
  const client = new HubClient({
    url: hub.url,
    identity,
    connectTimeoutMs: options.timeoutMs ?? DOCTOR_HUB_TIMEOUT_MS,
    now: options.now,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const sentAt = options.now();
  let status;
  try {
    status = await client.status();
  } catch (error) {
    return [refusalCheck(error, hub)];
  }
  const receivedAt = options.now();
  const pinnedIds = keys.map(hubKeyIdOf);
  const keyPinned = pinnedIds.includes(status.hubKeyId);
  const reachable: DoctorCheck = keyPinned
    ? {
        id: 'hub.reachable',
        status: 'ok',
        vi: 'Hub trả lời, khoá hub đã ghim',
        en: 'The hub answers; its key is pinned',
        detail: { url: hub.url, hubKeyId: status.hubKeyId },
      }
    : {
        id: 'hub.reachable',
        status: 'fail',
        vi: 'Hub trả lời nhưng ký bằng một khoá chưa ghim: máy sẽ từ chối dữ liệu của nó',
        en: 'The hub answers but signs with a key that is not pinned: the kiosk will refuse its data',
        detail: { url: hub.url, hubKeyId: status.hubKeyId, pinnedKeys: pinnedIds.join(',') },
        fix: { vi: 'Ghim khoá mới (chot trust hub-key) hoặc ghi danh lại', en: 'Pin the new key (chot trust hub-key) or enrol again' },
      };
  // The hub read its clock somewhere between sending and receiving: compare with the midpoint.
  const skewMs = Math.round((sentAt + receivedAt) / 2 - status.serverTime);
  const clockStatus = judgeClockSkew(skewMs);
  const seconds = Math.round(skewMs / 1000);
  const clock: DoctorCheck = {
    id: 'hub.clock',
    status: clockStatus,
    vi: `Đồng hồ máy lệch ${seconds} giây so với hub`,
    en: `The kiosk's clock is ${seconds} s off the hub's`,
    detail: { skewMs },
    ...(clockStatus === 'ok' ? {} : { fix: CLOCK_FIX }),
  };
  return [reachable, clock];
}

/**
 * Why the status request failed, judged: a clock so far off that the hub refuses the signed
 * request is the clock's FAIL; a hub that refuses this device (revoked, unknown) a FAIL; no
 * answer at all a WARN, as a gate works offline.
 */
function refusalCheck(error: unknown, hub: HubConfig): DoctorCheck {
  const detail = { url: hub.url, problem: messageOf(error).slice(0, 200), ...(error instanceof HubError ? { code: error.code } : {}) };
  if (isHubError(error, 'stale-timestamp')) {
    return {
      id: 'hub.clock',
      status: 'fail',
      vi: 'Hub từ chối máy vì đồng hồ máy lệch quá 5 phút',
      en: "The hub refuses the kiosk's requests: its clock is more than 5 minutes off",
      detail,
      fix: CLOCK_FIX,
    };
  }
  if (error instanceof HubError && (error.status === 401 || error.status === 403)) {
    return {
      id: 'hub.reachable',
      status: 'fail',
      vi: 'Hub từ chối máy này (thiết bị bị thu hồi hoặc không biết)',
      en: 'The hub refuses this kiosk (revoked or unknown device)',
      detail,
      fix: ENROL_FIX,
    };
  }
  return {
    id: 'hub.reachable',
    status: 'warn',
    vi: 'Không liên lạc được với hub — máy vẫn quyết định trên dữ liệu cũ',
    en: 'The hub cannot be reached — the kiosk keeps deciding on its last data',
    detail,
    fix: { vi: 'Kiểm tra mạng, tường lửa và địa chỉ hub trong hub.json', en: 'Check the network, the firewall and the hub address in hub.json' },
  };
}
