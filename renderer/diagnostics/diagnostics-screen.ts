import type { KioskApi } from '../../domain/contract/kiosk-api.js';
import type { Bilingual } from '../../domain/text/bilingual.js';
import type { Diagnostics, DiagnosticsDevice, RenderedCode, ScannerCodes } from '../../domain/devices/diagnostics.js';
import { CAMERA_STATUS, LIVE_STATES, type CameraReport } from '../camera/camera-status.js';
import { byId, langSpan, setAlert } from '../view/dom.js';
import { describeStartMissing, detectStartMissing, type StartMissing } from '../../domain/credentials/split-scan.js';
import { detectWedgeDamage } from '../wedge/wedge-damage.js';

/**
 * The diagnostics screen (F4): every device with its state, last scan and fault, and the
 * scanner programming codes as bar codes staff scan to configure a scanner. It is used for
 * setup — scanning one code after another off the screen — so it does not close after the
 * staff screens' 30 s: only Esc, the close button, or 10 minutes without any input close it
 * (a kiosk must not be left on it for a whole shift). While it is open, a keyboard-wedge scan
 * is a test scan: shown here with its damage check, not decided.
 */
export const DIAGNOSTICS_IDLE_MS = 10 * 60_000;
/** Device states change while staff watch (a cable pulled): refreshed this often. */
const REFRESH_MS = 2000;

const STATE_WORDS: Readonly<Record<DiagnosticsDevice['state'], { vi: string; en: string }>> = {
  opening: { vi: 'Đang mở', en: 'Opening' },
  ready: { vi: 'Sẵn sàng', en: 'Ready' },
  fault: { vi: 'Lỗi', en: 'Fault' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
};

const FAULT_WORDS: Readonly<Record<string, { vi: string; en: string }>> = {
  unplugged: { vi: 'đã rút cáp', en: 'unplugged' },
  'open-failed': { vi: 'không mở được (quyền truy cập?)', en: 'cannot open (permissions?)' },
  io: { vi: 'lỗi đọc/ghi', en: 'read/write error' },
  protocol: { vi: 'dữ liệu sai giao thức', en: 'protocol error' },
};

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function bilingual(tag: 'p' | 'span' | 'li' | 'h3', text: { vi: string; en: string }, className?: string): HTMLElement {
  const node = element(tag, className);
  node.append(langSpan('vi', text.vi), document.createTextNode(' · '), langSpan('en', text.en));
  return node;
}

function deviceItem(device: DiagnosticsDevice): HTMLElement {
  const item = element('li', 'diag-device');
  item.dataset.state = device.state;
  const ids = device.vendorId === undefined ? '' : ` ${device.vendorId}:${device.productId ?? '????'}`;
  item.append(element('span', 'diag-device-id', `${device.id}${ids}`), element('span', 'diag-device-kind', device.kind));
  item.append(
    element(
      'span',
      'diag-device-profile',
      device.profile === undefined ? 'hồ sơ: không rõ · profile: unknown' : `${device.profile.model} [${device.profile.mode}]`,
    ),
  );
  item.append(bilingual('span', STATE_WORDS[device.state], 'diag-device-state'));
  item.append(
    element('span', 'diag-device-last', device.lastScanAt === undefined ? 'chưa quét · no scan yet' : `quét lần cuối · last scan ${device.lastScanAt}`),
  );
  if (device.fault !== undefined) {
    const words = FAULT_WORDS[device.fault.kind] ?? { vi: device.fault.kind, en: device.fault.kind };
    item.append(element('span', 'diag-device-fault', `${words.vi} · ${words.en}: ${device.fault.message} (${device.fault.at})`));
  }
  return item;
}

/** The page's own camera (`--camera`): its state in words, and the browser's error name the public screen never shows. */
function cameraItem(report: CameraReport): HTMLElement {
  const item = element('li', 'diag-device diag-camera');
  item.dataset.state = LIVE_STATES.has(report.state) ? 'ready' : 'fault';
  item.dataset.testid = 'diag-camera';
  item.append(element('span', 'diag-device-id', 'camera'), element('span', 'diag-device-kind', 'getUserMedia'));
  item.append(bilingual('span', CAMERA_STATUS[report.state], 'diag-device-state'));
  if (report.detail !== undefined) item.append(element('span', 'diag-device-fault', report.detail));
  return item;
}

function codeCard(code: RenderedCode): HTMLElement {
  const card = element('figure', 'diag-code');
  card.dataset.purpose = code.purpose;
  // The SVGs come from the core's encoders; shown as images, so they can run nothing.
  const image = (svg: string, className: string): HTMLImageElement => {
    const node = element('img', className);
    node.alt = code.text ?? '';
    node.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    if (code.text !== undefined) node.dataset.text = code.text;
    return node;
  };
  // The vendor's own symbology first: that is what its manual says the scanner reads.
  if (code.code128Svg !== undefined) card.append(image(code.code128Svg, 'diag-code128'));
  if (code.qrSvg !== undefined) card.append(image(code.qrSvg, 'diag-qr'));
  const caption = element('figcaption');
  caption.append(bilingual('span', code.label, 'diag-code-label'));
  if (code.text !== undefined) caption.append(element('code', 'diag-code-text', code.text));
  if (code.code128Svg !== undefined)
    caption.append(
      bilingual(
        'span',
        { vi: 'Hãng in mã này dạng Code 128 (trên); mã QR cùng nội dung', en: 'The vendor prints this as Code 128 (top); the QR holds the same text' },
        'diag-code-note',
      ),
    );
  if (code.serialCommand !== undefined) caption.append(element('code', 'diag-code-serial', `serial: ${code.serialCommand}`));
  if (!code.verified) {
    const warning = bilingual(
      'span',
      { vi: 'Chưa kiểm chứng — thử trên máy quét dự phòng trước', en: 'Unverified — try on a spare scanner first' },
      'diag-unverified',
    );
    if (code.note !== undefined) warning.title = code.note;
    caption.append(warning);
  }
  card.append(caption);
  return card;
}

function scannerSection(scanner: ScannerCodes): HTMLElement {
  const section = element('section', 'diag-scanner');
  section.dataset.profile = scanner.profileId;
  section.append(element('h3', undefined, `${scanner.vendor} ${scanner.model}`));
  if (scanner.codes.length > 0) {
    const codes = element('div', 'diag-codes');
    codes.append(...scanner.codes.map(codeCard));
    section.append(codes);
  }
  if (scanner.notes !== undefined) section.append(element('p', 'diag-scanner-notes', scanner.notes));
  return section;
}

export class DiagnosticsScreen {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private readonly app = byId('app');

  constructor(
    private readonly api: KioskApi,
    private readonly onClose: () => void,
    private readonly describe: (error: unknown) => string,
    /** The camera's state when the page runs one (`--camera`), undefined otherwise. */
    private readonly camera: () => CameraReport | undefined = () => undefined,
  ) {
    byId('diagnostics-close').addEventListener('click', () => this.close());
    for (const type of ['keydown', 'pointerdown'] as const) {
      window.addEventListener(type, () => this.isOpen && this.restartIdleTimer(), true);
    }
  }

  get isOpen(): boolean {
    return this.app.dataset.screen === 'diagnostics';
  }

  async open(): Promise<void> {
    this.app.dataset.screen = 'diagnostics';
    byId('diag-test-scan').hidden = true;
    this.restartIdleTimer();
    clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => void this.refresh(false), REFRESH_MS);
    await this.refresh(true);
  }

  close(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.refreshTimer);
    if (this.isOpen) this.onClose();
  }

  /**
   * A wedge scan while the screen is open: shown with its damage check, not decided. The check
   * is the one the kiosk decides by (a lost start is a "scan again" there too), so "received
   * intact" is said only of a scan the kiosk would read whole.
   */
  /** `framerCut`: the framer saw this many characters of the code stop without a suffix just before it (keystroke-framer.ts). */
  showTestScan(text: string, framerCut?: number): void {
    const damage = detectWedgeDamage(text);
    const startMissing: StartMissing | null = framerCut === undefined ? detectStartMissing(text.trim()) : { format: 'unknown', lostChars: framerCut };
    const line = byId('diag-test-scan');
    line.hidden = false;
    line.dataset.damaged = String(damage.damaged || startMissing !== null);
    const findings: Bilingual[] = [];
    if (startMissing !== null) {
      const lost = describeStartMissing(startMissing);
      findings.push({
        vi: `Quét thử: ${lost.vi} — quét lại; nếu lặp lại, kiểm tra máy quét`,
        en: `Test scan: ${lost.en} — scan again; if it recurs, check the scanner`,
      });
    }
    if (damage.damaged) {
      findings.push({
        vi: 'Quét thử: ký tự bị lỗi — chuyển máy quét sang cổng nối tiếp hoặc HID-POS',
        en: 'Test scan: characters damaged — switch the scanner to serial or HID-POS',
      });
    }
    if (findings.length === 0) findings.push({ vi: 'Quét thử: nhận đúng', en: 'Test scan: received intact' });
    line.replaceChildren(...findings.map((finding) => bilingual('span', finding)), element('code', undefined, text.slice(0, 300)));
  }

  private async refresh(first: boolean): Promise<void> {
    if (!this.isOpen) return;
    try {
      this.render(await this.api.getDiagnostics(), first);
      setAlert(byId('diag-error'), undefined);
    } catch (error) {
      setAlert(byId('diag-error'), { vi: 'Không lấy được thông tin thiết bị', en: 'Could not read the devices' }, this.describe(error));
    }
  }

  private render(diagnostics: Diagnostics, withCodes: boolean): void {
    const devices = byId('diag-devices');
    const camera = this.camera();
    devices.replaceChildren(
      ...(camera === undefined ? [] : [cameraItem(camera)]),
      ...(diagnostics.devices.length === 0
        ? [
            bilingual(
              'li',
              {
                vi: 'Chưa cấu hình thiết bị nào (chỉ dùng máy quét dạng bàn phím hoặc camera)',
                en: 'No devices configured (keyboard-wedge scanner or camera only)',
              },
              'diag-none',
            ),
          ]
        : diagnostics.devices.map(deviceItem)),
    );
    const keyboards = byId('diag-keyboards');
    keyboards.hidden = diagnostics.keyboardScanners.length === 0;
    keyboards.replaceChildren(
      ...diagnostics.keyboardScanners.map((scanner) =>
        bilingual('li', {
          vi: `${scanner.model} (${scanner.path}) đang ở chế độ bàn phím: tên tiếng Việt sẽ bị lỗi — quét mã chuyển chế độ bên dưới`,
          en: `${scanner.model} (${scanner.path}) is in keyboard mode: Vietnamese names will be garbled — scan its switch code below`,
        }),
      ),
    );
    if (diagnostics.profilesError !== undefined)
      setAlert(byId('diag-profiles-error'), { vi: 'Hồ sơ thiết bị bị lỗi', en: 'A device profile is broken' }, diagnostics.profilesError);
    else setAlert(byId('diag-profiles-error'), undefined);
    // The codes do not change while the kiosk runs: rebuilt on open only, so a refresh never
    // redraws a QR code a scanner is reading.
    if (withCodes) {
      const wanted = new Set(diagnostics.keyboardScanners.map((scanner) => scanner.profileId));
      const ordered = [...diagnostics.scanners].sort((a, b) => Number(wanted.has(b.profileId)) - Number(wanted.has(a.profileId)));
      byId('diag-scanners').replaceChildren(...ordered.map(scannerSection));
    }
  }

  private restartIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), DIAGNOSTICS_IDLE_MS);
  }
}
