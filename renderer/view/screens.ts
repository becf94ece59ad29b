import type { DemoCard } from '../../domain/contract/kiosk-api.js';
import type { DataAgeLine } from '../../domain/contract/kiosk-status.js';
import type { Verdict } from '../../domain/verdict/verdict.js';
import { OVERRIDABLE_NONE_CODES } from '../../domain/contract/operator-override.js';
import { releaseChipDetailWhenVerdictLeaves, showChipDetail } from '../chip/chip-panel.js';
import type { CCCD_PROBLEMS } from '../../domain/credentials/cccd-qr.js';
import { byId, langSpan } from './dom.js';
import { MANUAL_NOT_VERIFIED } from '../../domain/verdict/manual-not-verified.js';
import { idShown } from '../../domain/verdict/shown-identifier.js';

/** Shape and word for each outcome: the screen never relies on colour alone. */
const NAME_DAMAGED_CODE: keyof typeof CCCD_PROBLEMS = 'cccd.name-damaged';
const NAME_UNREADABLE = 'Không đọc được tên · Name unreadable';

const ICONS: Readonly<Record<Verdict['outcome'], string>> = { green: '✓', yellow: '!', red: '✕', none: '?' };

export type ScreenName = 'starting' | 'idle' | 'verdict' | 'fault' | 'operator' | 'override' | 'confirm' | 'chip-can' | 'staff-pin' | 'typed-id' | 'setup';

/** The screens staff work at: a scan or a pushed verdict meanwhile is not shown over them (the entry is logged all the same). */
export const isStaffScreen = (screen: ScreenName): boolean =>
  screen === 'operator' || screen === 'override' || screen === 'confirm' || screen === 'chip-can' || screen === 'staff-pin' || screen === 'typed-id';

/**
 * Staff may let through a person the kiosk stopped — yellow, red, or no colour for a known
 * person (no record here, an expired pass: the core's OVERRIDABLE_NONE_CODES) — not one it
 * let in, nor an unreadable or forged code. The core checks the same again.
 */
export const mayOverride = (verdict: Verdict): boolean => {
  if (verdict.override !== undefined) return false;
  if (verdict.outcome === 'yellow' || verdict.outcome === 'red') return true;
  return (
    verdict.outcome === 'none' &&
    verdict.subject?.idTail !== undefined &&
    verdict.reasons.length > 0 &&
    verdict.reasons.every((reason) => OVERRIDABLE_NONE_CODES.includes(reason.code))
  );
};

/** Staff may confirm a verdict whose gate waits for them: the colour opens, the credential proves nothing alone. */
export const mayConfirm = (verdict: Verdict): boolean => !verdict.gate.open && verdict.gate.needsConfirm !== undefined;

/** The gate line: open, closed, or closed until staff confirm — in words, never the colour alone. */
function gateLine(verdict: Verdict): string {
  if (verdict.gate.open) return 'Mời vào  ·  Please enter';
  const waiting = verdict.gate.needsConfirm;
  return waiting === undefined ? 'Cổng đóng  ·  Gate stays closed' : `${waiting.vi}  ·  ${waiting.en}`;
}

/**
 * The kiosk's screens. Everything shown from a scan goes through textContent, never
 * HTML: names come from codes anybody can print.
 */
export class Screens {
  private readonly app = byId('app');
  private readonly verdict = byId('verdict-screen');

  constructor() {
    releaseChipDetailWhenVerdictLeaves(this.app);
  }

  get current(): ScreenName {
    return (this.app.dataset.screen ?? 'starting') as ScreenName;
  }

  show(screen: ScreenName): void {
    this.app.dataset.screen = screen;
    if (screen !== 'verdict') this.verdict.removeAttribute('data-verdict');
  }

  showVerdict(verdict: Verdict): void {
    this.verdict.dataset.verdict = verdict.outcome;
    // Staff's decision, not the rules': marked so the screen can say so beside the green.
    if (verdict.override === undefined) delete this.verdict.dataset.override;
    else this.verdict.dataset.override = 'true';
    if (verdict.confirm === undefined) delete this.verdict.dataset.confirm;
    else this.verdict.dataset.confirm = 'true';
    if (mayConfirm(verdict)) this.verdict.dataset.gate = 'awaits-confirm';
    else this.verdict.dataset.gate = verdict.gate.open ? 'open' : 'closed';
    byId('override-open').hidden = !mayOverride(verdict);
    byId('confirm-open').hidden = !mayConfirm(verdict);
    byId('verdict-icon').textContent = ICONS[verdict.outcome];
    byId('verdict-headline-vi').textContent = verdict.headline.vi;
    byId('verdict-headline-en').textContent = verdict.headline.en;
    // A bare number — typed on the keypad, typed fast on a keyboard, or a code holding only digits —
    // proves nothing of the person: said plainly, big, beside the headline, not as one reason among others.
    const typed = verdict.authenticity === 'manual';
    byId('verdict-typed').hidden = !typed;
    byId('verdict-typed-vi').textContent = MANUAL_NOT_VERIFIED.vi;
    byId('verdict-typed-en').textContent = MANUAL_NOT_VERIFIED.en;
    const subject = verdict.subject;
    // A keyboard-mode scanner's garbled name ("Nguyeenx") is never shown large to the public:
    // the verdict rests on the digits, and the name slot says plainly that it could not be read.
    const nameSlot = byId('verdict-name');
    const nameUnreadable = verdict.reasons.some((reason) => reason.code === NAME_DAMAGED_CODE);
    nameSlot.dataset.unreadable = String(nameUnreadable);
    nameSlot.textContent = nameUnreadable ? NAME_UNREADABLE : (subject?.name ?? '');
    const details = [subject?.birthYear === undefined ? null : `Năm sinh / Born ${subject.birthYear}`, idShown(subject) ?? null].filter(
      (part): part is string => part !== null,
    );
    byId('verdict-details').textContent = details.join('  ·  ');
    const reasons = byId('verdict-reasons');
    reasons.replaceChildren(
      ...verdict.reasons
        .filter((reason) => !(typed && reason.code === MANUAL_NOT_VERIFIED.code))
        .map((reason) => {
          const item = document.createElement('li');
          item.append(langSpan('vi', reason.vi), langSpan('en', reason.en));
          return item;
        }),
    );
    byId('verdict-gate').textContent = gateLine(verdict);
    showChipDetail(verdict);
    this.show('verdict');
  }

  showFault(vi: string, en: string, detail: string): void {
    byId('fault-vi').textContent = vi;
    byId('fault-en').textContent = en;
    byId('fault-detail').textContent = detail;
    this.show('fault');
  }

  /** The idle screen's line about how old the facts are and what the sync is doing. */
  setDataAge(line: DataAgeLine): void {
    byId('data-age').dataset.level = line.level;
    byId('data-age-glyph').textContent = line.glyph;
    byId('data-age-vi').textContent = line.vi;
    byId('data-age-en').textContent = line.en;
  }

  /** The upload's line, shown only while the entry log's upload needs someone's attention. */
  setUploadLine(line: DataAgeLine | undefined): void {
    const element = byId('upload-line');
    element.hidden = line === undefined;
    if (line === undefined) return;
    element.dataset.level = line.level;
    byId('upload-line-glyph').textContent = line.glyph;
    byId('upload-line-vi').textContent = line.vi;
    byId('upload-line-en').textContent = line.en;
  }

  setVersion(version: string): void {
    byId('version').textContent = `Chốt ${version}`;
  }

  showDemoCards(cards: readonly DemoCard[], onPick: (card: DemoCard) => void): void {
    const list = byId('demo-cards');
    list.replaceChildren(
      ...cards.map((card) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.expected = card.expected;
        button.textContent = card.label;
        button.addEventListener('click', () => onPick(card));
        return button;
      }),
    );
    byId('demo').hidden = cards.length === 0;
  }

  tickClock(now: Date): void {
    byId('clock').textContent = now.toLocaleString('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    });
  }
}
