import { join } from 'node:path';
import type { DoctorCheck } from '../../domain/doctor/doctor-check.js';
import { messageOf } from '../../platform/message-of.js';
import { AtRestKeyError, DB_KEY_CREDENTIAL, isInside, loadAtRestKey, type AtRestKey } from '../store/at-rest-key.js';
import { FACTS_DATABASE_FILE } from '../store/facts-database.js';
import { KIOSK_DATABASE_FILE } from '../store/kiosk-database.js';
import { openKioskSqlite, sqliteFileState, type SqliteFileState } from '../store/sqlite-database.js';

/**
 * The doctor's encryption line (docs/encryption.md): whether the kiosk's databases are
 * encrypted at rest, under which key, and whether the key the doctor was given opens them.
 * The doctor finds the key as the core does (loadAtRestKey: the systemd credential first, then
 * --db-key-file or CHOT_DB_KEY_FILE), so what it says holds for the kiosk.
 */

/** The key the doctor was given, or why the one named could not be read. */
export interface DoctorKey {
  readonly key: AtRestKey | undefined;
  readonly problem?: AtRestKeyError;
}

export function loadDoctorKey(keyFile: string | undefined, env: NodeJS.ProcessEnv): DoctorKey {
  try {
    return { key: loadAtRestKey({ keyFile, env }) };
  } catch (error) {
    if (error instanceof AtRestKeyError) return { key: undefined, problem: error };
    throw error;
  }
}

/** How to hand the doctor the key: on an appliance, the sealed credential as the core's unit loads it (by ID, from /etc/credstore.encrypted). */
export const GIVE_DOCTOR_THE_KEY = {
  vi:
    `Chạy chot doctor với khóa: chot doctor --db-key-file TỆP, hoặc trên máy dùng systemd: ` +
    `sudo systemd-run --pipe --wait -p LoadCredentialEncrypted=${DB_KEY_CREDENTIAL} chot doctor --data-dir /var/lib/chot`,
  en:
    `Run the doctor with the key: chot doctor --db-key-file FILE, or on a systemd appliance: ` +
    `sudo systemd-run --pipe --wait -p LoadCredentialEncrypted=${DB_KEY_CREDENTIAL} chot doctor --data-dir /var/lib/chot`,
} as const;

const WRONG_KEY_FIX = {
  vi:
    'Khóa này không phải khóa đã mã hóa dữ liệu: tìm đúng khóa. Mất khóa thì dừng máy, dời kiosk.sqlite và facts.sqlite ' +
    'sang chỗ khác rồi đồng bộ lại (nhật ký lượt vào chưa tải lên sẽ mất)',
  en:
    'This is not the key the data was encrypted with: find the right one. With the key lost, stop the kiosk, move kiosk.sqlite ' +
    'and facts.sqlite aside and sync again (the entries not yet uploaded are lost)',
} as const;

const DATABASES = [KIOSK_DATABASE_FILE, FACTS_DATABASE_FILE] as const;

function keyName(key: AtRestKey): { vi: string; en: string } {
  return key.source === 'systemd-credential'
    ? { vi: `systemd credential ${DB_KEY_CREDENTIAL}`, en: `systemd credential ${DB_KEY_CREDENTIAL}` }
    : { vi: `tệp khóa ${key.origin}`, en: `key file ${key.origin}` };
}

/** The first encrypted database the key does not open, with SQLite's reason. */
function refusedBy(dataDir: string, files: readonly string[], key: AtRestKey): { file: string; problem: string } | undefined {
  for (const file of files) {
    try {
      openKioskSqlite(join(dataDir, file), { key, readonly: true, fileMustExist: true }).close();
    } catch (error) {
      return { file, problem: messageOf(error) };
    }
  }
  return undefined;
}

export function encryptionCheck(dataDir: string, given: DoctorKey): DoctorCheck {
  const states = Object.fromEntries(DATABASES.map((file) => [file, sqliteFileState(join(dataDir, file))])) as Record<string, SqliteFileState>;
  const encrypted = DATABASES.filter((file) => states[file] === 'encrypted');
  const plaintext = DATABASES.filter((file) => states[file] === 'plaintext');
  const key = given.key;
  const detail = { mode: key?.source ?? 'none', ...states };
  const id = 'encryption';
  if (given.problem !== undefined) {
    return {
      id,
      status: 'fail',
      vi: `Mã hóa dữ liệu: không đọc được khóa — ${given.problem.vi}`,
      en: `Encryption at rest: the key cannot be used — ${given.problem.en}`,
      detail,
      fix: { vi: 'Sửa tệp khóa như trên (chủ sở hữu đọc được, 64 chữ số hex)', en: 'Fix the key file as said (owner-only, 64 hex digits)' },
    };
  }
  if (key === undefined) {
    if (encrypted.length > 0) {
      return {
        id,
        status: 'fail',
        vi: `Mã hóa dữ liệu: ${encrypted.join(', ')} được mã hóa nhưng chot doctor không có khóa`,
        en: `Encryption at rest: ${encrypted.join(', ')} is encrypted and the doctor was given no key`,
        detail,
        fix: GIVE_DOCTOR_THE_KEY,
      };
    }
    return {
      id,
      status: 'warn',
      vi: 'Mã hóa dữ liệu: không mã hóa — ai lấy được đĩa sẽ đọc được dữ liệu',
      en: 'Encryption at rest: not encrypted — whoever takes the disk can read the data',
      detail,
      fix: {
        vi: 'Niêm phong một khóa (sudo chot db-key seal) rồi khởi động lại chot-core; không có systemd: chot db-key new --out TỆP (ngoài thư mục dữ liệu) và chot start --db-key-file TỆP',
        en: 'Seal a key (sudo chot db-key seal), then restart chot-core; without systemd: chot db-key new --out FILE (outside the data directory) and chot start --db-key-file FILE',
      },
    };
  }
  const name = keyName(key);
  const refused = refusedBy(dataDir, encrypted, key);
  if (refused !== undefined) {
    return {
      id,
      status: 'fail',
      vi: `Mã hóa dữ liệu: ${name.vi} không mở được ${refused.file}`,
      en: `Encryption at rest: the ${name.en} does not open ${refused.file}`,
      detail: { ...detail, problem: refused.problem.slice(0, 200) },
      fix: WRONG_KEY_FIX,
    };
  }
  if (plaintext.length > 0) {
    return {
      id,
      status: 'warn',
      vi: `Mã hóa dữ liệu: có khóa (${name.vi}) nhưng ${plaintext.join(', ')} chưa được mã hóa`,
      en: `Encryption at rest: a key is given (${name.en}) but ${plaintext.join(', ')} is not encrypted yet`,
      detail,
      fix: {
        vi: 'Khởi động lại máy (systemctl restart chot-core): lúc khởi động nó mã hóa dữ liệu tại chỗ',
        en: 'Restart the kiosk (systemctl restart chot-core): it encrypts the data in place as it starts',
      },
    };
  }
  if (key.source === 'key-file' && isInside(dataDir, key.origin)) {
    return {
      id,
      status: 'warn',
      vi: `Mã hóa dữ liệu: có (${name.vi}), nhưng khóa nằm trong thư mục dữ liệu — ai lấy đĩa có cả hai`,
      en: `Encryption at rest: on (${name.en}), but the key lies inside the data directory — whoever takes the disk has both`,
      detail,
      fix: {
        vi: 'Dời khóa ra khỏi thư mục dữ liệu (sang đĩa khác, hoặc dùng chot db-key seal) rồi chỉ lại bằng --db-key-file',
        en: 'Move the key out of the data directory (to another disk, or use chot db-key seal) and name its new place with --db-key-file',
      },
    };
  }
  return { id, status: 'ok', vi: `Mã hóa dữ liệu: có (${name.vi})`, en: `Encryption at rest: encrypted (${name.en})`, detail };
}
