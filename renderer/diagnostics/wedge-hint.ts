import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import type { Diagnostics, RenderedCode } from '../../domain/devices/diagnostics.js';
import { byId, langSpan } from '../view/dom.js';
import { detectWedgeDamage } from '../wedge/wedge-damage.js';

/** The codes that take a scanner out of keyboard mode or make it send UTF-8. */
const SWITCH_PURPOSES: ReadonlySet<string> = new Set(['to-serial', 'to-hid-pos', 'utf8-output']);

/** How many scanner models the hint names when the wedge scanner's model is unknown. */
const MODELS_IN_HINT = 3;

/**
 * The staff's hint after a damaged keyboard-wedge scan, on the operator screen: the verdict
 * stands (it was decided on the digits), but the scanner should be switched to serial or
 * HID-POS with UTF-8. Switch codes are jargon to a person at the gate, so the public verdict
 * shows none of it; the hint stays until the next wedge scan reads clean.
 * Names the switch codes of the scanner if a keyboard-mode scanner was recognised, else of the
 * common models; the scannable bar codes are on the diagnostics screen (F4).
 */
export class WedgeHint {
  private diagnostics: Promise<Diagnostics | undefined> | undefined;

  constructor(private readonly api: KioskApi) {}

  hide(): void {
    byId('operator-wedge-hint').hidden = true;
  }

  async showIfDamaged(text: string): Promise<boolean> {
    const damage = detectWedgeDamage(text);
    const hint = byId('operator-wedge-hint');
    if (!damage.damaged) {
      hint.hidden = true;
      return false;
    }
    hint.dataset.signs = damage.signs.join(' ');
    const lines: Node[] = [
      langSpan(
        'vi',
        'Máy quét đang ở chế độ bàn phím nên chữ tiếng Việt bị lỗi; kết quả dựa trên số CCCD. Hãy chuyển máy quét sang cổng nối tiếp (USB CDC) hoặc HID-POS với UTF-8.',
      ),
      document.createTextNode(' '),
      langSpan(
        'en',
        'The scanner is in keyboard mode, so Vietnamese letters are garbled; the verdict rests on the ID number. Switch the scanner to serial (USB CDC) or HID-POS with UTF-8.',
      ),
    ];
    hint.replaceChildren(...lines);
    hint.hidden = false;
    this.diagnostics ??= this.api.getDiagnostics().catch(() => undefined);
    const diagnostics = await this.diagnostics;
    if (diagnostics !== undefined) {
      const known = new Set(diagnostics.keyboardScanners.map((scanner) => scanner.profileId));
      const switches = (code: RenderedCode): boolean => code.text !== undefined && SWITCH_PURPOSES.has(code.purpose);
      const scanners = diagnostics.scanners.filter((scanner) => scanner.codes.some(switches));
      const shown = known.size > 0 ? scanners.filter((scanner) => known.has(scanner.profileId)) : scanners.slice(0, MODELS_IN_HINT);
      const list = document.createElement('ul');
      list.className = 'wedge-hint-codes';
      for (const scanner of shown) {
        const codes = scanner.codes.filter(switches);
        const item = document.createElement('li');
        item.textContent = `${scanner.vendor} ${scanner.model}: ${codes.map((code) => `${code.label.vi} / ${code.label.en} “${code.text}”`).join('; ')}`;
        list.append(item);
      }
      const more = document.createElement('p');
      more.append(
        langSpan('vi', 'Mã quét được: màn hình chẩn đoán, phím F4.'),
        document.createTextNode(' '),
        langSpan('en', 'Scannable codes: diagnostics screen, F4.'),
      );
      hint.append(list, more);
    }
    return true;
  }
}
