import { existsSync } from 'node:fs';
import type { DoctorCheck } from '../../domain/doctor/doctor-check.js';
import { samePath } from '../../main/devices/device-paths.js';
import { AUTO, isSerialKind, type DeviceSpec } from '../../main/devices/device-spec.js';
import { DEVICES_FILE, loadDevicesConfig, type DevicesConfig } from '../../main/devices/devices-file.js';
import { messageOf } from '../../platform/message-of.js';
import type { DiscoveredDevice } from '../../drivers/profiles/device-discovery.js';
import { deviceRow, type DeviceSurvey } from './devices.js';
import { PCSCD_ACCESS_HINT, PCSCD_NOT_RUNNING_HINT } from './devices-pcsc.js';

/**
 * The doctor's device checks: devices.json read as the kiosk reads it, each device it names
 * found (a serial port on disk, a HID path among those listed, a card reader among pcscd's),
 * the hints `chot devices` gives (no access, keyboard mode, kernel driver), and pcscd.
 */

/** devices.json, or the check that says why it cannot be read. */
export function readDevicesConfig(dataDir: string): { config: DevicesConfig } | { check: DoctorCheck } {
  try {
    return { config: loadDevicesConfig(dataDir) };
  } catch (error) {
    return {
      check: {
        id: 'devices.config',
        status: 'fail',
        vi: `${DEVICES_FILE} không đọc được: máy sẽ không khởi động`,
        en: `${DEVICES_FILE} cannot be read: the kiosk will not start`,
        detail: { problem: messageOf(error).slice(0, 300) },
        fix: { vi: `Sửa ${DEVICES_FILE} theo lỗi ở trên`, en: `Correct ${DEVICES_FILE} as the error says` },
      },
    };
  }
}

/** Whether the device is there, and the device found for it (with its profile) when the survey lists it. */
async function lookUp(spec: DeviceSpec, survey: DeviceSurvey): Promise<{ present: boolean; found?: DiscoveredDevice }> {
  if (spec.kind === 'chip-reader') {
    return { present: spec.path === AUTO ? survey.pcsc.readers.length > 0 : survey.pcsc.readers.some((reader) => reader.name === spec.path) };
  }
  if (spec.path === AUTO) {
    const wanted = spec.kind.endsWith('scanner') ? 'scanner' : 'relay';
    const bus = spec.kind.startsWith('hid') ? 'hid' : 'serial';
    const found = survey.found.find((device) => device.bus === bus && device.match?.profile.kind === wanted);
    return found === undefined ? { present: false } : { present: true, found };
  }
  // A serial path may be a /dev/serial/by-id link: compared resolved; a HID path is libusb's, only in the listing.
  for (const device of survey.found) if (await samePath(device.path, spec.path)) return { present: true, found: device };
  return { present: isSerialKind(spec.kind) && existsSync(spec.path) };
}

function specLabel(spec: DeviceSpec): string {
  return `${spec.kind} ${spec.path} (lane ${spec.lane})`;
}

export async function deviceChecks(config: DevicesConfig, survey: DeviceSurvey): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  if (config.devices.length === 0) {
    checks.push({
      id: 'devices.config',
      status: 'warn',
      vi: `Chưa khai báo thiết bị nào (${DEVICES_FILE}): chỉ có camera và bàn phím`,
      en: `No devices configured (${DEVICES_FILE}): only the camera and keyboard`,
      fix: { vi: `Xem chot devices rồi ghi các thiết bị vào ${DEVICES_FILE}`, en: `Run chot devices, then list the devices in ${DEVICES_FILE}` },
    });
  }
  for (const [index, spec] of config.devices.entries()) {
    const label = specLabel(spec);
    const id = `devices.${index}`;
    const { present, found } = await lookUp(spec, survey);
    if (present) {
      const row = found === undefined ? undefined : deviceRow(found);
      const profile = row === undefined ? '' : `: ${row.profile}`;
      checks.push({
        id,
        status: 'ok',
        vi: `Thiết bị có mặt: ${label}${profile}`,
        en: `Device present: ${label}${profile}`,
        detail: { kind: spec.kind, path: spec.path, profile: row?.profileId ?? null },
      });
      continue;
    }
    checks.push({
      id,
      status: 'fail',
      vi: `Không thấy thiết bị: ${label}`,
      en: `Device not found: ${label}`,
      detail: { kind: spec.kind, path: spec.path },
      fix: {
        vi: `Cắm thiết bị vào, hoặc sửa đường dẫn trong ${DEVICES_FILE} theo chot devices`,
        en: `Plug it in, or correct its path in ${DEVICES_FILE} from what chot devices lists`,
      },
    });
  }
  // What `chot devices` would advise about any device with a profile (permissions, keyboard mode, kernel driver).
  for (const row of survey.found.filter((device) => device.match !== undefined).map(deviceRow)) {
    if (row.hint === undefined) continue;
    checks.push({
      id: `devices.hint.${row.path}`,
      status: 'warn',
      vi: `Thiết bị ${row.path} (${row.profile}): ${row.state}`,
      en: `Device ${row.path} (${row.profile}): ${row.state}`,
      detail: { path: row.path, state: row.state },
      // The hint is chot devices' own English text; the Vietnamese line points to it.
      fix: { vi: `Làm theo hướng dẫn (tiếng Anh): ${row.hint}`, en: row.hint },
    });
  }
  checks.push(pcscCheck(config, survey));
  return checks;
}

/** pcscd matters only when a chip reader is configured; otherwise a missing pcscd is a WARN. */
function pcscCheck(config: DevicesConfig, survey: DeviceSurvey): DoctorCheck {
  const { pcsc } = survey;
  const needed = config.devices.some((spec) => spec.kind === 'chip-reader');
  const bad = needed ? 'fail' : 'warn';
  const detail = { service: pcsc.service, readers: pcsc.readers.length };
  if (pcsc.service === 'running' && pcsc.readers.length > 0) {
    return {
      id: 'pcsc',
      status: 'ok',
      vi: `pcscd chạy, ${pcsc.readers.length} đầu đọc thẻ`,
      en: `pcscd running, ${pcsc.readers.length} card reader(s)`,
      detail,
    };
  }
  // Without a chip reader configured, a pcscd with no reader is how it should be.
  if (!needed && pcsc.service === 'running') return { id: 'pcsc', status: 'ok', vi: 'pcscd chạy', en: 'pcscd running', detail };
  const hint = pcsc.hint ?? pcsc.problem ?? 'pcscd cannot be asked';
  const hintVi =
    hint === PCSCD_NOT_RUNNING_HINT
      ? 'Bật pcscd: sudo systemctl enable --now pcscd.socket'
      : hint === PCSCD_ACCESS_HINT
        ? `pcscd từ chối người dùng này (polkit): cài quy tắc packaging/polkit/70-chot-pcscd.rules (gói deb có sẵn) rồi chạy sudo usermod -aG plugdev $USER, đăng nhập lại`
        : `Làm theo hướng dẫn (tiếng Anh): ${hint}`;
  const line =
    pcsc.service === 'running'
      ? { vi: 'pcscd chạy nhưng không có đầu đọc thẻ', en: 'pcscd running but no card reader' }
      : pcsc.service === 'not-running'
        ? { vi: 'pcscd không chạy', en: 'pcscd is not running' }
        : pcsc.service === 'access-denied'
          ? { vi: 'pcscd từ chối người dùng này', en: 'pcscd refuses this user' }
          : { vi: 'Không hỏi được pcscd', en: 'pcscd cannot be asked' };
  return { id: 'pcsc', status: bad, ...line, detail, fix: { vi: hintVi, en: hint } };
}
