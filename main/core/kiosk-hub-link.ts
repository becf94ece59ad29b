import type { KioskSetup } from '../../domain/contract/kiosk-setup.js';
import type { KioskStatus, UploadStatus } from '../../domain/contract/kiosk-status.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import type { EnrolledKiosk } from '../enrollment/enroll-kiosk.js';
import { QrEnrollment, type QrEnrollmentOptions } from '../enrollment/qr-enrollment.js';

export interface KioskHubLinkOptions {
  /** Started without a hub: on the demo data set until an enrolment by QR. */
  readonly demo: boolean;
  readonly syncState?: (() => KioskStatus['sync']) | undefined;
  readonly uploadState?: (() => UploadStatus) | undefined;
  /** The enrolment by QR, but for its end, which the link handles (enrolled below). */
  readonly setup: Omit<QrEnrollmentOptions, 'enrolled'>;
  /**
   * Enrolled by QR while running: the core logs as the hub's device from now on.
   * `wasDemo`: it ran on the demo data set, whose people are nobody's and must go.
   */
  readonly enrolled: (kiosk: EnrolledKiosk, wasDemo: boolean) => void;
}

/**
 * The kiosk's link to its hub as the core sees it: whether it still runs on the demo data
 * set, what the sync and the upload are doing (the status line reads them), and the
 * enrolment by QR that ends the demo and starts them (qr-enrollment.ts).
 */
export class KioskHubLink {
  #demo: boolean;
  #syncState: KioskHubLinkOptions['syncState'];
  #uploadState: KioskHubLinkOptions['uploadState'];
  readonly #setup: QrEnrollment;

  constructor(options: KioskHubLinkOptions) {
    this.#demo = options.demo;
    this.#syncState = options.syncState;
    this.#uploadState = options.uploadState;
    this.#setup = new QrEnrollment({
      ...options.setup,
      enrolled: (kiosk) => {
        const wasDemo = this.#demo;
        this.#demo = false;
        options.enrolled(kiosk, wasDemo);
      },
    });
  }

  get demo(): boolean {
    return this.#demo;
  }

  /** What the sync is doing; undefined: no sync (the status report says demo or not enrolled). */
  syncState(): KioskStatus['sync'] | undefined {
    return this.#syncState?.();
  }

  uploadState(): UploadStatus | undefined {
    return this.#uploadState?.();
  }

  /** The sync and upload started after an enrolment by QR: the status line reads them from now on. */
  attachHub(state: { readonly sync: () => KioskStatus['sync']; readonly upload: () => UploadStatus }): void {
    this.#syncState = state.sync;
    this.#uploadState = state.upload;
  }

  /** An enrolment QR read from any input: its answer is the set-up screen at once. */
  readSetupQr(text: string, nowMs: number): { readonly verdict: Verdict; readonly setup: KioskSetup } {
    return this.#setup.read(text, nowMs);
  }

  /** The runtime's hook: enrolled by QR while running (start the sync and upload now). */
  onEnrolled(listener: (kiosk: EnrolledKiosk) => Promise<void>): () => void {
    return this.#setup.onEnrolled(listener);
  }

  /** The enrolment by QR in progress, if any (tests, and close, wait for it). */
  get settled(): Promise<void> {
    return this.#setup.settled;
  }
}
