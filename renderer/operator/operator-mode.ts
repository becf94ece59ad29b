import type { KioskApi, KioskInfo } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { byId, setAlert } from '../view/dom.js';
import { ConfirmForm } from '../view/confirm-form.js';
import { OverrideForm } from '../view/override-form.js';
import { isStaffScreen, mayConfirm, mayOverride, type Screens } from '../view/screens.js';
import { showTodayStats } from '../view/stats-panel.js';
import { ChipCanKeypad } from './chip-can-keypad.js';
import { StaffSignIn } from './staff-sign-in.js';
import { OVERRIDE_REFUSALS } from '../../domain/contract/operator-override.js';
import { STAFF_REFUSALS } from '../../domain/contract/staff-session.js';
import { InputDirectionSwitch } from './input-direction.js';
import { TypedIdEntry } from './typed-id-entry.js';

/** A staff screen left alone this long closes itself: a gate must never stay on it. */
export const OPERATOR_IDLE_MS = 30_000;

export interface OperatorModeDeps {
  readonly api: KioskApi;
  readonly info: KioskInfo;
  readonly screens: Screens;
  /** The verdict on screen, if any: the one staff may override. */
  currentVerdict(): Verdict | undefined;
  /** Shows a verdict as a scan's is shown: then back to idle after the hold. */
  showVerdict(verdict: Verdict): void;
  /** Stops the verdict on screen from returning to idle while staff act on it. */
  holdVerdict(): void;
  /** Gives the keyboard back to the scanner. */
  refocusWedge(): void;
  describe(error: unknown): string;
}

/**
 * The staff side of the kiosk: today's counts (F2 or the button on the idle screen), the
 * override of a yellow or red verdict, and the confirm of a green whose gate waits for staff
 * (an unsigned card or a bare number) — F3 or the button on the verdict, whichever the
 * verdict offers; and, from today's counts, a person's ID typed by hand (Nhập số định danh ·
 * Type an ID), the card access number of a chip ID card on the reader (Nhập số CAN · Enter CAN) and the direction the wedge and camera log (boarding /
 * alighting at a bus point, in / out). Esc, the close buttons and 30 s without input all return
 * to the idle screen.
 */
export class OperatorMode {
  private readonly form: OverrideForm;
  private readonly confirmForm: ConfirmForm;
  private readonly canKeypad: ChipCanKeypad;
  /** The staff session: asked before every staff action; without staff PINs, anyone acts (and the screens say so). */
  readonly staff: StaffSignIn;
  private readonly direction: InputDirectionSwitch;
  private readonly typedId: TypedIdEntry;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The operator's "who", kept for the session so a shift types it once. Staff identity only. */
  private rememberedBy = '';
  private overriding: Verdict | undefined;
  private confirming: Verdict | undefined;
  private sending = false;

  constructor(private readonly deps: OperatorModeDeps) {
    this.form = new OverrideForm(deps.info.override);
    this.form.onSubmit(
      () => void this.confirm(),
      () => this.close(),
    );
    byId('operator-open').addEventListener('click', () => void this.openPanel());
    byId('operator-close').addEventListener('click', () => this.close());
    byId('override-open').addEventListener('click', () => void this.openOverride());
    this.confirmForm = new ConfirmForm(deps.info.override);
    this.confirmForm.onSubmit(
      () => this.submitConfirmForm(),
      () => this.close(),
    );
    byId('confirm-open').addEventListener('click', () => void this.openConfirm());
    this.canKeypad = new ChipCanKeypad(
      deps.api,
      deps.describe,
      () => this.close(),
      () => this.close(),
    );
    byId('chip-can-open').addEventListener('click', () => void this.staff.asStaff(() => this.openChipCan()));
    this.staff = new StaffSignIn(deps.api, deps.screens, deps.describe, () => this.close());
    this.direction = new InputDirectionSwitch(deps.api, deps.describe);
    this.typedId = new TypedIdEntry({
      api: deps.api,
      screens: deps.screens,
      staff: this.staff,
      describe: deps.describe,
      onDecided: (verdict) => {
        clearTimeout(this.idleTimer);
        this.deps.showVerdict(verdict);
        this.deps.refocusWedge();
      },
      cancel: () => this.close(),
    });
    byId('typed-id-open').addEventListener(
      'click',
      () =>
        void this.staff.asStaff(() => {
          this.typedId.open();
          this.restartIdleTimer();
        }),
    );
    window.addEventListener('keydown', (event) => this.onKey(event));
    // Any input on a staff screen means someone is there: the 30 s start again.
    for (const type of ['keydown', 'pointerdown', 'input'] as const) {
      window.addEventListener(type, () => this.isOpen() && this.restartIdleTimer(), true);
    }
  }

  /** While staff type who (and why), a CAN, a PIN or an ID, keys are theirs, not the scanner's. */
  get ownsKeyboard(): boolean {
    const screen = this.deps.screens.current;
    return screen === 'override' || screen === 'confirm' || screen === 'chip-can' || screen === 'staff-pin' || screen === 'typed-id';
  }

  private isOpen(): boolean {
    return isStaffScreen(this.deps.screens.current);
  }

  private onKey(event: KeyboardEvent): void {
    const screen = this.deps.screens.current;
    if (event.key === 'F2' && screen === 'idle') {
      event.preventDefault();
      void this.openPanel();
    } else if (event.key === 'F3' && screen === 'verdict') {
      event.preventDefault();
      // One key for "staff act on this verdict": a gate waiting for a confirm gets the confirm.
      const verdict = this.deps.currentVerdict();
      if (verdict !== undefined && mayConfirm(verdict)) void this.openConfirm();
      else void this.openOverride();
    } else if (event.key === 'Escape' && this.isOpen()) {
      event.preventDefault();
      this.close();
    }
  }

  async openPanel(): Promise<void> {
    // Old numbers never show as today's: blank until the core answers.
    byId('stats-total').textContent = '–';
    byId('stats-outcomes').replaceChildren();
    byId('stats-kinds').replaceChildren();
    setAlert(byId('stats-error'), undefined);
    this.deps.screens.show('operator');
    this.restartIdleTimer();
    void this.staff.refresh();
    // What the core has in force now: another page may have switched it.
    void this.deps.api.getKioskInfo().then(
      (info) => this.direction.show(info.inputs),
      () => this.direction.show(this.deps.info.inputs),
    );
    try {
      showTodayStats(await this.deps.api.getTodayStats());
    } catch (error) {
      setAlert(byId('stats-error'), { vi: 'Không lấy được số liệu', en: 'Could not read the counts' }, this.deps.describe(error));
    }
  }

  /** Staff type the CAN of the card on this lane's reader; the core answers with the read, or a refusal shown here. */
  private openChipCan(): void {
    this.deps.screens.show('chip-can');
    this.canKeypad.open();
    this.restartIdleTimer();
  }

  async openOverride(): Promise<void> {
    const verdict = this.deps.currentVerdict();
    if (verdict === undefined || !mayOverride(verdict)) return;
    this.deps.holdVerdict();
    this.overriding = verdict;
    await this.staff.asStaff(() => {
      this.deps.screens.show('override');
      this.form.open(verdict, this.rememberedBy, !this.staff.pinsConfigured);
      this.restartIdleTimer();
    });
  }

  private async confirm(): Promise<void> {
    const verdict = this.overriding;
    if (verdict === undefined || this.sending) return;
    const input = this.form.read();
    if (!input.ok) {
      this.form.showProblem(input.problem);
      return;
    }
    this.sending = true;
    try {
      const result = await this.deps.api.overrideLastVerdict({
        seq: verdict.entrySeq,
        // With staff PINs set the core names the signed-in staff member; a typed who is for a kiosk without.
        ...(this.staff.pinsConfigured ? {} : { by: input.by }),
        reason: input.reason,
        ...(this.form.confirmedSevere ? { confirmedSevere: true } : {}),
      });
      if (!result.ok) {
        if (result.refusal.code === STAFF_REFUSALS.signInRequired.code) {
          // The session ran out while the form was open: sign in, then the same form, as filled.
          this.staff.requireSignIn(() => this.deps.screens.show('override'));
        } else if (result.refusal.code === OVERRIDE_REFUSALS.severe.code) this.form.askSecondStep(result.refusal, result.refusal.code);
        else this.form.showProblem(result.refusal, result.refusal.code);
        return;
      }
      if (!this.staff.pinsConfigured) this.rememberedBy = input.by;
      this.overriding = undefined;
      clearTimeout(this.idleTimer);
      // The core keeps no names: the screen shows the person it showed a moment ago.
      this.deps.showVerdict({ ...result.verdict, subject: { ...verdict.subject, ...result.verdict.subject } });
      this.deps.refocusWedge();
    } catch (error) {
      // Nothing was logged, so nothing is shown as allowed: the gate stays closed.
      this.form.showProblem({ vi: 'Lỗi — chưa ghi được, cổng vẫn đóng', en: 'Fault — not logged, the gate stays closed' }, this.deps.describe(error));
    } finally {
      this.sending = false;
    }
  }

  /**
   * One tap: with the session's "who" known, the confirm is sent at once; otherwise (or when
   * the core refuses) the confirm screen asks who, or says why.
   */
  async openConfirm(): Promise<void> {
    const verdict = this.deps.currentVerdict();
    if (verdict === undefined || !mayConfirm(verdict) || this.sending) return;
    this.deps.holdVerdict();
    this.confirming = verdict;
    await this.staff.asStaff(() => this.confirmAsStaff(verdict));
  }

  /** Signed in: one tap sends it, as the signed-in staff member. Without staff PINs: the session's typed who. */
  private confirmAsStaff(verdict: Verdict): void {
    if (this.staff.pinsConfigured) {
      void this.sendConfirm(verdict, undefined);
      return;
    }
    if (this.rememberedBy !== '') {
      void this.sendConfirm(verdict, this.rememberedBy);
      return;
    }
    this.showConfirmForm(verdict);
  }

  private showConfirmForm(verdict: Verdict, problem?: Bilingual, detail?: string): void {
    if (this.deps.screens.current !== 'confirm') {
      this.deps.screens.show('confirm');
      this.confirmForm.open(verdict, this.rememberedBy);
    }
    this.confirmForm.showProblem(problem, detail);
    this.restartIdleTimer();
  }

  private submitConfirmForm(): void {
    const verdict = this.confirming;
    if (verdict === undefined) return;
    const input = this.confirmForm.read();
    if (!input.ok) this.confirmForm.showProblem(input.problem);
    else void this.sendConfirm(verdict, input.by);
  }

  private async sendConfirm(verdict: Verdict, by: string | undefined): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const result = await this.deps.api.confirmLastVerdict(by === undefined ? { seq: verdict.entrySeq } : { seq: verdict.entrySeq, by });
      if (!result.ok) {
        if (result.refusal.code === STAFF_REFUSALS.signInRequired.code) this.staff.requireSignIn(() => this.confirmAsStaff(verdict));
        else this.showConfirmForm(verdict, result.refusal, result.refusal.code);
        return;
      }
      if (by !== undefined) this.rememberedBy = by;
      this.confirming = undefined;
      clearTimeout(this.idleTimer);
      // The core keeps no names: the screen shows the person it showed a moment ago.
      this.deps.showVerdict({ ...result.verdict, subject: { ...verdict.subject, ...result.verdict.subject } });
      this.deps.refocusWedge();
    } catch (error) {
      // Nothing was logged, so nothing is shown as confirmed: the gate stays closed.
      this.showConfirmForm(verdict, { vi: 'Lỗi — chưa ghi được, cổng vẫn đóng', en: 'Fault — not logged, the gate stays closed' }, this.deps.describe(error));
    } finally {
      this.sending = false;
    }
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.overriding = undefined;
    this.confirming = undefined;
    this.deps.screens.show('idle');
    this.deps.refocusWedge();
  }

  private restartIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.isOpen()) this.close();
    }, OPERATOR_IDLE_MS);
  }
}
