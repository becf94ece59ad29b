import type { KioskSetup } from '../../domain/contract/kiosk-setup.js';
import { parseEnrollmentQr } from '../../domain/enrollment/enrollment-qr.js';
import type { Reason } from '../../domain/text/bilingual.js';
import type { Logger } from '../../platform/logging/logger.js';
import { messageOf } from '../../platform/message-of.js';
import { loadHubConfig } from '../hub-client/hub-config.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { setupVerdict } from './setup-verdict.js';
import { enrollKiosk, EnrollmentError, type EnrolledKiosk, type EnrollKioskOptions, type EnrollmentFailure } from './enroll-kiosk.js';

/** What the set-up screen says when an enrolment QR did not enrol the kiosk: each says what to do. */
export const SETUP_REFUSALS = {
  alreadyEnrolled: {
    code: 'setup.already-enrolled',
    vi: 'Kiosk đã được đăng ký với máy chủ. Đăng ký lại là việc của quản trị viên (xem tài liệu)',
    en: 'This kiosk is already enrolled with a hub. Enrolling it again is an admin’s job (see the docs)',
  },
  badQr: {
    code: 'setup.bad-qr',
    vi: 'Mã cài đặt không hợp lệ — xin mã mới (chot hub enroll-code --url)',
    en: 'Not a valid set-up code — ask for a new one (chot hub enroll-code --url)',
  },
  wrongHubKey: {
    code: 'setup.hub-key-mismatch',
    vi: 'Máy chủ ở địa chỉ này không phải máy chủ trong mã: không lưu gì. Kiểm tra mạng và xin mã mới',
    en: 'The hub at this address is not the one the code names: nothing was kept. Check the network and ask for a new code',
  },
  codeRefused: {
    code: 'setup.code-refused',
    vi: 'Máy chủ từ chối mã (sai, đã dùng hoặc hết hạn): xin mã mới',
    en: 'The hub refused the code (wrong, used or expired): ask for a new one',
  },
  unreachable: {
    code: 'setup.hub-unreachable',
    vi: 'Không kết nối được máy chủ: kiểm tra mạng rồi quét lại mã',
    en: 'Cannot reach the hub: check the network, then scan the code again',
  },
  failed: { code: 'setup.failed', vi: 'Cài đặt không thành công — mời gọi bộ phận IT', en: 'The set-up failed — please call IT' },
} as const satisfies Record<string, Reason>;

export interface QrEnrollmentOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  /** Whether staff may act now (StaffDesk.mayAct): with staff PINs set, enrolling needs a staff session. */
  readonly mayAct: () => { readonly ok: true } | { readonly ok: false; readonly refusal: Reason };
  /** The set-up moved on after the scan: the screen hears at once. */
  readonly publish: (setup: KioskSetup) => void;
  /** Enrolled: the core logs as the new device from now on (then the onEnrolled listeners run). */
  readonly enrolled: (kiosk: EnrolledKiosk) => void;
  readonly now?: () => number;
  /** Tests: the hub client's timeouts and fetch. */
  readonly client?: EnrollKioskOptions['client'];
}

/**
 * An enrolment QR scanned on the running kiosk, from any input: the scan's answer is the
 * set-up screen at once (enrolling, or refused and why); the enrolment itself runs after it
 * (enroll-kiosk.ts: the hub's key checked against the QR's fingerprint, nothing kept on any
 * failure) and its end is published. The QR's text is never logged: its code is a secret
 * until used. Only a kiosk that is not enrolled takes one.
 */
export class QrEnrollment {
  #running: Promise<void> | undefined;
  readonly #listeners = new Set<(kiosk: EnrolledKiosk) => Promise<void>>();

  constructor(private readonly options: QrEnrollmentOptions) {}

  /** The enrolment in progress, if any (tests and shutdown wait for it). */
  get settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** The runtime's hook: the kiosk was enrolled while running (it starts the sync and upload). */
  onEnrolled(listener: (kiosk: EnrolledKiosk) => Promise<void>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An enrolment QR read at `nowMs`: the set-up it shows, as the scan's answer (setup-verdict.ts). */
  read(text: string, nowMs: number): { readonly verdict: Verdict; readonly setup: KioskSetup } {
    const setup = this.scanned(text);
    return { verdict: setupVerdict(setup, nowMs), setup };
  }

  scanned(text: string): KioskSetup {
    const log = this.options.logger;
    const enrolled = loadHubConfig(this.options.dataDir);
    if (enrolled !== undefined) {
      log.warn('enrolment QR refused: the kiosk is already enrolled', { reason: SETUP_REFUSALS.alreadyEnrolled.code });
      return { phase: 'refused', hub: enrolled.url, location: enrolled.location, deviceId: enrolled.deviceId, reason: SETUP_REFUSALS.alreadyEnrolled };
    }
    const may = this.options.mayAct();
    if (!may.ok) {
      log.warn('enrolment QR refused: no staff session', { reason: may.refusal.code });
      return { phase: 'refused', reason: may.refusal };
    }
    const parsed = parseEnrollmentQr(text);
    if (!parsed.ok) {
      log.warn('enrolment QR refused', { reason: SETUP_REFUSALS.badQr.code, problem: parsed.problem });
      return { phase: 'refused', reason: SETUP_REFUSALS.badQr };
    }
    const { hubUrl, code, hubKeySha256 } = parsed.qr;
    // A scanner's double read while the first enrols: the screen keeps saying so, and its end comes as for the first.
    if (this.#running !== undefined) return { phase: 'enrolling', hub: hubUrl };
    log.info('enrolment by QR started', { hub: hubUrl });
    this.#running = this.#enrol(hubUrl, code, hubKeySha256).finally(() => {
      this.#running = undefined;
    });
    return { phase: 'enrolling', hub: hubUrl };
  }

  async #enrol(hubUrl: string, code: string, expectedHubKeySha256: string): Promise<void> {
    const { options } = this;
    let kiosk: EnrolledKiosk;
    try {
      kiosk = await enrollKiosk({
        dataDir: options.dataDir,
        hubUrl,
        code,
        expectedHubKeySha256,
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.client === undefined ? {} : { client: options.client }),
      });
    } catch (error) {
      const reason = refusalOf(error);
      // The code is not in the message: enrollKiosk's messages name the URL and keys, never the code.
      options.logger.warn('enrolment by QR failed', { reason: reason.code, error: messageOf(error) });
      options.publish({ phase: 'refused', hub: hubUrl, reason });
      return;
    }
    const { config } = kiosk;
    options.logger.info('enrolled by QR', { hub: config.url, deviceId: config.deviceId, hubKeyId: kiosk.hubKeyId });
    try {
      options.enrolled(kiosk);
      for (const listener of [...this.#listeners]) await listener(kiosk);
    } catch (error) {
      // hub.json is written: a restart syncs. The screen says enrolled, the log why sync waits.
      options.logger.error(`enrolled, but the sync did not start: ${messageOf(error)}; a restart starts it`);
    }
    options.publish({ phase: 'enrolled', hub: config.url, location: config.location, deviceId: config.deviceId });
  }
}

/**
 * What the set-up screen says for each failure, by its typed code. A hub with another key is
 * refused by the hub itself (`wrong-hub-key`, before it spends the code) or by the kiosk on
 * the answer (`hub-key-mismatch`); anything not listed is "failed" with the log saying why.
 */
const REFUSAL_BY_CODE: ReadonlyMap<EnrollmentFailure, Reason> = new Map<EnrollmentFailure, Reason>([
  ['hub-key-mismatch', SETUP_REFUSALS.wrongHubKey],
  ['wrong-hub-key', SETUP_REFUSALS.wrongHubKey],
  ['already-enrolled', SETUP_REFUSALS.alreadyEnrolled],
  ...(['unknown-code', 'expired-code', 'revoked-device', 'bad-public-key'] as const).map((code) => [code, SETUP_REFUSALS.codeRefused] as const),
  ...(['unreachable', 'timeout', 'interrupted', 'unavailable', 'aborted'] as const).map((code) => [code, SETUP_REFUSALS.unreachable] as const),
]);

function refusalOf(error: unknown): Reason {
  return error instanceof EnrollmentError ? (REFUSAL_BY_CODE.get(error.code) ?? SETUP_REFUSALS.failed) : SETUP_REFUSALS.failed;
}
