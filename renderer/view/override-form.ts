import type { OverrideSettings } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import { idShown } from '../../domain/verdict/shown-identifier.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { byId, langSpan, setAlert } from './dom.js';

/** The "other" choice: the operator's own words are the reason. */
const OTHER = 'other';

const chars = (text: string): number => [...text.normalize('NFC')].length;

/** What is wrong with a typed "who", if anything: the same words for an override and a confirm. */
export function whoProblem(by: string, maxChars: number): Bilingual | undefined {
  if (by === '') return { vi: 'Nhập tên hoặc mã nhân viên', en: 'Enter your name or staff id' };
  if (chars(by) > maxChars) return { vi: `Tên quá dài (tối đa ${maxChars} ký tự)`, en: `Name too long (at most ${maxChars} characters)` };
  return undefined;
}

export type OverrideInput = { readonly ok: true; readonly by: string; readonly reason: string } | { readonly ok: false; readonly problem: Bilingual };

/**
 * The override form: who (remembered by the caller for the session) and why (a preset
 * reason, optionally with a note, or "other" with the operator's own words). It checks
 * what it can before the call, so staff hear about an empty field at once; the core checks
 * the same limits again, as it trusts no caller.
 */
export class OverrideForm {
  private readonly form = byId<HTMLFormElement>('override-form');
  private readonly by = byId<HTMLInputElement>('override-by');
  private readonly note = byId<HTMLInputElement>('override-note');
  private readonly error = byId('override-error');
  /** False once staff PINs are set: who is the signed-in staff member, not a typed name. */
  private askWho = true;
  /** The core asked the second confirmation of overriding an F0 or quarantine red: the next submit gives it. */
  private secondStep = false;

  constructor(private readonly settings: OverrideSettings) {
    this.by.maxLength = settings.byMaxChars;
    this.note.maxLength = settings.reasonMaxChars;
    const choices = [...settings.presetReasons, { code: OTHER, vi: 'Khác', en: 'Other' }];
    byId('override-reasons').append(
      ...choices.map((choice) => {
        const label = document.createElement('label');
        label.className = 'choice';
        const radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = 'override-reason';
        radio.value = choice.code;
        label.append(radio, langSpan('vi', choice.vi), langSpan('en', choice.en));
        return label;
      }),
    );
  }

  /** Binds confirm (the form's submit: a button or Enter) and cancel. */
  onSubmit(handler: () => void, cancel: () => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      handler();
    });
    byId('override-cancel').addEventListener('click', cancel);
  }

  /** Fills the form for the verdict on screen, with the last operator's who (asked only where no staff PIN is set). */
  open(verdict: Verdict, rememberedBy: string, askWho = true): void {
    this.askWho = askWho;
    this.secondStep = false;
    byId('override-by-field').hidden = !askWho;
    byId('override-confirm').dataset.step = 'first';
    const colour = verdict.outcome === 'red' ? '✕ ĐỎ / RED' : verdict.outcome === 'none' ? '? KHÔNG CÓ DỮ LIỆU / NO RECORD' : '! VÀNG / YELLOW';
    const subject = [verdict.subject?.name, idShown(verdict.subject)];
    byId('override-subject').textContent = [colour, verdict.headline.vi, ...subject].filter((part) => part !== undefined).join('  ·  ');
    this.by.value = rememberedBy;
    for (const radio of this.radios()) radio.checked = false;
    this.note.value = '';
    this.showProblem(undefined);
    (rememberedBy === '' && askWho ? this.by : (this.radios()[0] ?? this.by)).focus();
  }

  /** The core wants the second confirmation: the form says why, and its button now gives it. */
  askSecondStep(problem: Bilingual, detail: string): void {
    this.secondStep = true;
    byId('override-confirm').dataset.step = 'second';
    this.showProblem(problem, detail);
  }

  get confirmedSevere(): boolean {
    return this.secondStep;
  }

  read(): OverrideInput {
    const by = this.by.value.trim();
    const note = this.note.value.trim();
    const picked = this.radios().find((radio) => radio.checked)?.value;
    const problem = this.askWho ? whoProblem(by, this.settings.byMaxChars) : undefined;
    if (problem !== undefined) return { ok: false, problem };
    if (picked === undefined) return { ok: false, problem: { vi: 'Chọn lý do', en: 'Choose a reason' } };
    const preset = this.settings.presetReasons.find((reason) => reason.code === picked);
    if (preset === undefined && note === '') return { ok: false, problem: { vi: 'Ghi lý do vào ô ghi chú', en: 'Write the reason in the note' } };
    // The log keeps the reason as staff saw it, in both languages, so an audit reads it either way.
    const base = preset === undefined ? '' : `${preset.vi} / ${preset.en}`;
    const reason = [base, note].filter((part) => part !== '').join(' — ');
    if (chars(reason) > this.settings.reasonMaxChars) {
      return {
        ok: false,
        problem: {
          vi: `Lý do quá dài (tối đa ${this.settings.reasonMaxChars} ký tự)`,
          en: `Reason too long (at most ${this.settings.reasonMaxChars} characters)`,
        },
      };
    }
    return { ok: true, by, reason };
  }

  showProblem(problem: Bilingual | undefined, detail?: string): void {
    setAlert(this.error, problem, detail);
  }

  private radios(): HTMLInputElement[] {
    return [...this.form.querySelectorAll<HTMLInputElement>('input[name="override-reason"]')];
  }
}
