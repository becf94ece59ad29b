import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes, judgeDiskFree, type DoctorCheck } from '../../domain/doctor/doctor-check.js';
import { decideReadiness } from '../../domain/contract/kiosk-readiness.js';
import { STALE_DATA_DEFAULTS, STALE_DATA_POLICY } from '../../domain/rules/builtin/stale-data-policy.js';
import type { CompiledRuleSet } from '../../domain/rules/compiled-rule-set.js';
import { messageOf } from '../../platform/message-of.js';
import { RuleSetRepository, type RuleSetStatus } from '../rules/rule-set-repository.js';
import { FACTS_DATABASE_FILE } from '../store/facts-database.js';
import { FactsStore } from '../store/facts-store.js';
import { KIOSK_DATABASE_FILE } from '../store/kiosk-database.js';
import { AtRestKeyError, type AtRestKey } from '../store/at-rest-key.js';
import { DatabaseLockedError, openKioskSqlite } from '../store/sqlite-database.js';
import { GIVE_DOCTOR_THE_KEY } from './encryption-check.js';
import { hubKeyStoreFromKeys } from '../trust/hub-key-store.js';
import { readPinnedHubKeys } from '../trust/hub-keys-file.js';

/**
 * The doctor's checks that read only the data directory: each database's integrity, the
 * data's age, the rule set in force and disk space (encryption: encryption-check.ts). Everything is opened
 * read-only, so they are safe while the kiosk runs (a WAL database is read consistently).
 */

/** Free bytes for this user on the file system holding `dir`; a seam, as a full disk cannot be rigged in a test. */
export type FreeSpace = (dir: string) => number;

export const statfsFreeSpace: FreeSpace = (dir) => {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
};

/** `PRAGMA quick_check` on one database: OK, FAIL naming the first problem, WARN when the file is not there yet. */
export function databaseCheck(dataDir: string, file: string, id: string, key?: AtRestKey): DoctorCheck {
  const path = join(dataDir, file);
  const what = { vi: `Cơ sở dữ liệu ${file}`, en: `Database ${file}` };
  if (!existsSync(path)) {
    return {
      id,
      status: 'warn',
      vi: `${what.vi}: chưa có`,
      en: `${what.en}: not there yet`,
      fix: { vi: 'Khởi động máy một lần (chot start) để tạo nó', en: 'Start the kiosk once (chot start) to create it' },
    };
  }
  let problem: string | undefined;
  let locked = false;
  try {
    const db = openKioskSqlite(path, { key, readonly: true, fileMustExist: true });
    try {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const first = rows[0]?.quick_check;
      if (first !== 'ok') problem = first ?? 'no answer';
    } finally {
      db.close();
    }
  } catch (error) {
    problem = messageOf(error);
    // Locked is not damaged: deleting it, as the fix for a damaged one says, would lose the data for want of a key.
    locked = error instanceof DatabaseLockedError || error instanceof AtRestKeyError;
  }
  if (problem === undefined) return { id, status: 'ok', vi: `${what.vi}: nguyên vẹn`, en: `${what.en}: intact` };
  if (locked) {
    return {
      id,
      status: 'fail',
      vi: `${what.vi}: được mã hóa, không mở được bằng khóa đã cho`,
      en: `${what.en}: encrypted, and not opened with the key given`,
      detail: { problem: problem.slice(0, 200) },
      fix: GIVE_DOCTOR_THE_KEY,
    };
  }
  return {
    id,
    status: 'fail',
    vi: `${what.vi}: hỏng`,
    en: `${what.en}: damaged`,
    detail: { problem: problem.slice(0, 200) },
    fix:
      file === FACTS_DATABASE_FILE
        ? {
            vi: `Dừng máy, xoá ${file} rồi đồng bộ lại (chot sync): dữ liệu nằm ở hub`,
            en: `Stop the kiosk, delete ${file} and sync again (chot sync): the hub has the data`,
          }
        : {
            vi: `Dừng máy, giữ một bản sao của ${file} và báo cho bộ phận hỗ trợ: nhật ký lượt vào nằm trong đó`,
            en: `Stop the kiosk, keep a copy of ${file} and call support: the entry log is in it`,
          },
  };
}

export function databaseChecks(dataDir: string, key?: AtRestKey): DoctorCheck[] {
  return [databaseCheck(dataDir, KIOSK_DATABASE_FILE, 'database.kiosk', key), databaseCheck(dataDir, FACTS_DATABASE_FILE, 'database.facts', key)];
}

/** The installed rule sets, verified against the pinned hub keys, as the kiosk loads them. */
export function loadRuleSets(dataDir: string): { inForce: (now: number) => CompiledRuleSet; status: RuleSetStatus } {
  let keys: string[] = [];
  try {
    keys = readPinnedHubKeys(dataDir);
  } catch {
    // A damaged key file is the hub check's to report; without keys no signed set verifies.
  }
  const repository = new RuleSetRepository(dataDir, keys.length === 0 ? undefined : hubKeyStoreFromKeys(keys));
  return { inForce: (now) => repository.inForce(now), status: repository.status() };
}

export function ruleSetCheck(rules: ReturnType<typeof loadRuleSets>, now: number): DoctorCheck {
  const { ruleSet } = rules.inForce(now);
  const name = `${ruleSet.id}@${ruleSet.version}`;
  const detail = { ruleSet: name, loaded: rules.status.loaded.length, refused: rules.status.refused.length };
  if (rules.status.refused.length > 0) {
    const files = rules.status.refused.map((refused) => refused.file).join(', ');
    return {
      id: 'rules',
      status: 'warn',
      vi: `Bộ tiêu chí đang dùng: ${name}; bị từ chối: ${files}`,
      en: `Rule set in force: ${name}; refused: ${files}`,
      detail,
      fix: { vi: 'Đồng bộ lại (chot sync) hoặc kiểm tra bằng chot rules check', en: 'Sync again (chot sync) or check it with chot rules check' },
    };
  }
  if (rules.status.loaded.length === 0) {
    return {
      id: 'rules',
      status: 'warn',
      vi: `Bộ tiêu chí đang dùng: ${name} (mặc định có sẵn, chưa có bộ nào được ký)`,
      en: `Rule set in force: ${name} (the built-in default: no signed set installed)`,
      detail,
      fix: { vi: 'Đồng bộ với hub (chot sync) để nhận bộ tiêu chí đã ký', en: 'Sync with the hub (chot sync) to receive the signed rule sets' },
    };
  }
  return { id: 'rules', status: 'ok', vi: `Bộ tiêu chí đang dùng: ${name}`, en: `Rule set in force: ${name}`, detail };
}

/**
 * The data's age judged as the kiosk's readiness judges it (kiosk-readiness.ts): NOT READY
 * (never synced, or past the stale threshold of the rule set in force) is a FAIL, out of date
 * a WARN. `enrolled` false: no sync will ever bring data, said in the fix.
 */
export function dataAgeCheck(dataDir: string, ruleSet: CompiledRuleSet, now: number, enrolled: boolean, key?: AtRestKey): DoctorCheck {
  const factsFile = join(dataDir, FACTS_DATABASE_FILE);
  let syncedAt: number | undefined;
  try {
    if (existsSync(factsFile)) {
      const db = openKioskSqlite(factsFile, { key, readonly: true, fileMustExist: true });
      try {
        syncedAt = new FactsStore(db).lastSyncedAt();
      } finally {
        db.close();
      }
    }
  } catch (error) {
    // Locked, the age is unknown, not "never synced": the kiosk itself, with its key, may be current.
    if (error instanceof DatabaseLockedError || error instanceof AtRestKeyError) {
      return {
        id: 'data.age',
        status: 'fail',
        vi: `Không biết dữ liệu cũ bao lâu: ${FACTS_DATABASE_FILE} được mã hóa, không mở được bằng khóa đã cho`,
        en: `Data age unknown: ${FACTS_DATABASE_FILE} is encrypted and not opened with the key given`,
        fix: GIVE_DOCTOR_THE_KEY,
      };
    }
    // A damaged database is the database check's FAIL; here it reads as never synced.
  }
  const value = ruleSet.ruleSet.parameters?.staleAfterHours;
  const staleAfterMs = (typeof value === 'number' && value > 0 ? value : STALE_DATA_DEFAULTS.staleAfterHours) * 3_600_000;
  const stalePolicy = (ruleSet.ruleSet.policies ?? []).some((policy) => policy.id === STALE_DATA_POLICY.id);
  const dataAgeMs = syncedAt === undefined ? undefined : Math.max(0, now - syncedAt);
  const readiness = decideReadiness({
    sync: { state: enrolled ? 'offline' : 'not-enrolled' },
    staleAfterMs,
    stalePolicy,
    ...(dataAgeMs === undefined ? {} : { dataAgeMs }),
  });
  const detail = { syncedAt: syncedAt === undefined ? null : new Date(syncedAt).toISOString(), staleAfterHours: staleAfterMs / 3_600_000 };
  const status = readiness.state === 'not-ready' ? 'fail' : readiness.state === 'out-of-date' ? 'warn' : 'ok';
  const line = readiness.state === 'ready' ? { vi: 'Dữ liệu còn mới', en: 'Data is current' } : readiness.line;
  const fix = enrolled
    ? { vi: 'Kiểm tra mạng tới hub rồi chạy chot sync', en: 'Check the network to the hub, then run chot sync' }
    : { vi: 'Ghi danh máy với hub (chot enroll) rồi chạy chot sync', en: 'Enrol the kiosk with a hub (chot enroll), then run chot sync' };
  return { id: 'data.age', status, vi: line.vi, en: line.en, detail, ...(status === 'ok' ? {} : { fix }) };
}

export function diskSpaceCheck(dataDir: string, freeSpace: FreeSpace): DoctorCheck {
  let free: number;
  try {
    free = freeSpace(dataDir);
  } catch (error) {
    return {
      id: 'disk',
      status: 'fail',
      vi: 'Không đọc được dung lượng đĩa',
      en: 'Cannot read the free disk space',
      detail: { problem: messageOf(error) },
      fix: { vi: 'Kiểm tra thư mục dữ liệu có tồn tại không', en: 'Check that the data directory exists' },
    };
  }
  const status = judgeDiskFree(free);
  return {
    id: 'disk',
    status,
    vi: `Dung lượng trống: ${formatBytes(free)}`,
    en: `Free disk space: ${formatBytes(free)}`,
    detail: { freeBytes: free },
    ...(status === 'ok'
      ? {}
      : {
          fix: {
            vi: 'Giải phóng đĩa: tải nhật ký lên hub, xoá tệp tạm, hoặc thay thẻ nhớ lớn hơn',
            en: 'Free the disk: let the entry log upload to the hub, remove temporary files, or fit a larger card',
          },
        }),
  };
}
