import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import { DIRECTION_NAMES, type InputGates } from '../../domain/contract/input-lanes.js';
import { ENTRY_DIRECTIONS, type EntryDirection } from '../../domain/entries/entry-record.js';
import { byId, langSpan, setAlert } from '../view/dom.js';

/**
 * The staff screen's switch of which way people pass the wedge and the camera (a bus point:
 * boarding, then alighting at the stop). The core logs the next entries with it until the
 * kiosk restarts; this shows what the core says is in force, never what was tapped, so a
 * refused or failed switch cannot look done. The current direction is said in words and by
 * the pressed button's mark, not by colour alone.
 */
export class InputDirectionSwitch {
  private readonly root = byId('input-direction');
  private readonly current = byId('input-direction-current');
  private readonly error = byId('input-direction-error');
  private readonly buttons = new Map<EntryDirection, HTMLButtonElement>();
  private sending = false;

  constructor(
    private readonly api: KioskApi,
    private readonly describe: (error: unknown) => string,
  ) {
    const list = byId('input-direction-buttons');
    for (const direction of ENTRY_DIRECTIONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'staff-button direction-button';
      button.dataset.direction = direction;
      button.setAttribute('aria-pressed', 'false');
      const name = DIRECTION_NAMES[direction];
      button.replaceChildren(langSpan('vi', name.vi), document.createTextNode(' '), langSpan('en', name.en));
      button.addEventListener('click', () => void this.choose(direction));
      this.buttons.set(direction, button);
      list.append(button);
    }
  }

  /** Shows what the core has in force (the operator screen opening). */
  show(inputs: InputGates | undefined): void {
    setAlert(this.error, undefined);
    if (inputs === undefined) return;
    const { wedge, camera } = inputs;
    const { direction } = wedge;
    this.root.dataset.direction = direction;
    for (const [name, button] of this.buttons) {
      button.setAttribute('aria-pressed', String(name === direction));
    }
    const named = DIRECTION_NAMES[direction];
    const lanes = wedge.lane === camera.lane ? wedge.lane : `${wedge.lane} / ${camera.lane}`;
    this.current.replaceChildren(
      langSpan('vi', `Đang ghi: ${named.vi} (làn ${lanes})`),
      document.createTextNode(' · '),
      langSpan('en', `Logging: ${named.en} (lane ${lanes})`),
    );
  }

  private async choose(direction: EntryDirection): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const result = await this.api.setInputDirection({ direction });
      if (result.ok) this.show(result.inputs);
      else setAlert(this.error, result.refusal, result.refusal.code);
    } catch (error) {
      setAlert(this.error, { vi: 'Không đổi được hướng — vẫn ghi như cũ', en: 'Could not switch — still logging as before' }, this.describe(error));
    } finally {
      this.sending = false;
    }
  }
}
