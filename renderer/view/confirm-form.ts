import type { OverrideSettings } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { idShown } from '../../domain/verdict/shown-identifier.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { byId, setAlert } from './dom.js';
import { whoProblem } from './override-form.js';

const COLOURS: Readonly<Record<Verdict['outcome'], string>> = { green: '✓ XANH / GREEN', yellow: '! VÀNG / YELLOW', red: '✕ ĐỎ / RED', none: '?' };

export type ConfirmInput = { readonly ok: true; readonly by: string } | { readonly ok: false; readonly problem: Bilingual };

/**
 * The staff confirm's only question: who. Asked once a session (the operator's "who" is
 * remembered, as for an override), so afterwards a confirm is one tap; and shown again with
 * the reason when the core refuses a confirm.
 */
export class ConfirmForm {
  private readonly form = byId<HTMLFormElement>('confirm-form');
  private readonly by = byId<HTMLInputElement>('confirm-by');
  private readonly error = byId('confirm-error');

  constructor(private readonly settings: OverrideSettings) {
    this.by.maxLength = settings.byMaxChars;
  }

  /** Binds confirm (the form's submit: the button or Enter) and cancel. */
  onSubmit(handler: () => void, cancel: () => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      handler();
    });
    byId('confirm-cancel').addEventListener('click', cancel);
  }

  open(verdict: Verdict, by: string): void {
    const subject = [verdict.subject?.name, idShown(verdict.subject)];
    byId('confirm-subject').textContent = [COLOURS[verdict.outcome], verdict.gate.needsConfirm?.vi, ...subject]
      .filter((part) => part !== undefined)
      .join('  ·  ');
    this.by.value = by;
    this.showProblem(undefined);
    this.by.focus();
  }

  read(): ConfirmInput {
    const by = this.by.value.trim();
    const problem = whoProblem(by, this.settings.byMaxChars);
    return problem === undefined ? { ok: true, by } : { ok: false, problem };
  }

  showProblem(problem: Bilingual | undefined, detail?: string): void {
    setAlert(this.error, problem, detail);
  }
}
