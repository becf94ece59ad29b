import type { ChipReadingState } from '../../domain/contract/chip-reading.js';
import { byId } from '../view/dom.js';
import { chipPromptView, isForLane, percentOf, promptEndsInMs, type ChipPromptView } from './chip-view.js';

/**
 * The card prompt over the idle and verdict screens (chip.css shows it there only): "place
 * your card on the reader" after a card QR, the read's progress while the chip is read, or
 * "scan the QR or staff enter the CAN" for a card with no key. Driven by the core's pushed
 * states for this screen's lane; a wait for the card ends by itself at its `untilMs`, so a
 * core that says nothing more never leaves the prompt up.
 */
export class ChipPrompt {
  private readonly element = byId('chip-prompt');
  private readonly progress = byId<HTMLProgressElement>('chip-progress');
  private expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly lane: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A state pushed by the core; another lane's is not this screen's. */
  update(state: ChipReadingState): void {
    if (!isForLane(state, this.lane)) return;
    clearTimeout(this.expiry);
    const now = this.now();
    this.render(chipPromptView(state, now));
    const endsInMs = promptEndsInMs(state, now);
    if (endsInMs !== undefined) this.expiry = setTimeout(() => this.render(undefined), endsInMs);
  }

  /** The read is over (its verdict is on screen): the prompt goes, whatever the core says next. */
  clear(): void {
    clearTimeout(this.expiry);
    this.render(undefined);
  }

  private render(view: ChipPromptView | undefined): void {
    this.element.hidden = view === undefined;
    if (view === undefined) {
      delete this.element.dataset.phase;
      return;
    }
    this.element.dataset.phase = view.phase;
    byId('chip-prompt-vi').textContent = view.text.vi;
    byId('chip-prompt-en').textContent = view.text.en;
    const step = byId('chip-step');
    step.hidden = view.step === undefined;
    byId('chip-step-vi').textContent = view.step?.vi ?? '';
    byId('chip-step-en').textContent = view.step?.en ?? '';
    const percent = byId('chip-percent');
    if (view.fraction === undefined) {
      // No value: the bar is indeterminate until the core knows how much there is to read.
      this.progress.removeAttribute('value');
      delete this.progress.dataset.percent;
      percent.textContent = '';
    } else {
      const shown = percentOf(view.fraction);
      this.progress.value = shown;
      this.progress.dataset.percent = String(shown);
      percent.textContent = `${shown} %`;
    }
  }
}
