import { PAGE_HEARTBEAT_MS, type KioskApi, type KioskInfo, type ScanSubmission } from '../domain/contract/kiosk-api.js';
import type { KioskEvent } from '../domain/contract/kiosk-events.js';
import { ContractCallError } from '../domain/contract/contract-client.js';
import { asKioskEvent } from '../domain/contract/kiosk-event-guard.js';
import { RPC_PATH } from '../domain/contract/rpc-messages.js';
import { setDeviceLine } from './view/device-line.js';
import { setReadiness, setRuleSet, setTodayCount, setTrustFiles } from './view/readiness-view.js';
import { verdictHeadlineWhile, type Readiness } from '../domain/contract/kiosk-readiness.js';
import type { Verdict } from '../domain/verdict/verdict.js';
import { cameraRequested, startCameraScanner } from './camera/camera-scanner.js';
import type { CameraReport } from './camera/camera-status.js';
import { connectContract } from './api/contract-socket.js';
import { DiagnosticsScreen } from './diagnostics/diagnostics-screen.js';
import { WedgeHint } from './diagnostics/wedge-hint.js';
import { OperatorMode } from './operator/operator-mode.js';
import { createScanMetrics, recordAfterPaint } from './perf/scan-metrics.js';
import { byId } from './view/dom.js';
import { isStaffScreen, Screens } from './view/screens.js';
import { ChipPrompt } from './chip/chip-prompt.js';
import { endsChipRead } from './chip/chip-view.js';
import { VerdictSound } from './sound/verdict-sound.js';
import { keepPageTheme } from './theme/page-theme.js';
import { fillSetupScreen } from './view/setup-view.js';
import type { KioskSetup } from '../domain/contract/kiosk-setup.js';
import { captureWedge } from './wedge/wedge-capture.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    readonly chot?: KioskApi;
    /** Set by the Electron preload beside `chot`: the core's pushed events. */
    readonly chotEvents?: { onEvent(listener: (event: unknown) => void): void };
  }
}

const screens = new Screens();
const metrics = createScanMetrics();
/** Pushed events arrive from the moment the channel opens; start() sets the handler once the screens are ready. */
let handleEvent: (event: KioskEvent) => void = () => undefined;

/** The contract: from the Electron preload, or over the authenticated WebSocket. */
async function obtainApi(): Promise<KioskApi> {
  if (window.chot !== undefined) {
    window.chotEvents?.onEvent((event) => {
      const checked = asKioskEvent(event);
      if (checked !== undefined) handleEvent(checked);
    });
    return window.chot;
  }
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token === null || token === '') throw new ContractCallError('rpc.no-token', 'the kiosk URL has no #token: use the URL `chot start` printed');
  const { api, ready } = connectContract(
    `ws://${location.host}${RPC_PATH}`,
    token,
    (connected) => {
      if (!connected) screens.showFault('MẤT KẾT NỐI VỚI LÕI KIOSK', 'Lost connection to the kiosk core', 'Đang kết nối lại… / Reconnecting…');
      else if (document.getElementById('app')?.dataset.screen === 'fault') screens.show('idle');
    },
    (event) => handleEvent(event),
  );
  await ready;
  return api;
}

/** A failed call's words for the fault screen: a ContractCallError's message leads with its code. */
function describe(error: unknown): string {
  return error instanceof ContractCallError ? error.message : String(error);
}

async function start(): Promise<void> {
  const api = await obtainApi();
  const info: KioskInfo = await api.getKioskInfo();
  keepPageTheme(info.theme);
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** The verdict on screen, for the staff override; cleared when the screen moves on. */
  let shown: Verdict | undefined;

  const sound = new VerdictSound(info.sound, metrics.sounds);
  /** Until the core's first answer: ready, so nothing is claimed before the core has said. */
  let readiness: Readiness | undefined;
  const refreshToday = async (): Promise<void> => {
    try {
      setTodayCount(await api.getTodayStats());
    } catch {
      // The count keeps its last value; a core that does not answer shows on the next scan.
    }
  };
  /**
   * The set-up screen of an enrolment QR: it stays while the kiosk enrols; an enrolled kiosk's
   * page loads again after the hold (its demo cards go, its status is the hub's); a refusal
   * goes back to idle after the hold.
   */
  let reloadDue = false;
  const showSetup = (setup: KioskSetup): void => {
    clearTimeout(holdTimer);
    shown = undefined;
    fillSetupScreen(setup);
    screens.show('setup');
    // Once enrolled, the page loads again whatever is shown next (a double read's "already enrolled").
    if (setup.phase === 'enrolled') reloadDue = true;
    if (setup.phase === 'enrolling') return;
    holdTimer = setTimeout(() => {
      if (reloadDue) location.reload();
      else screens.show('idle');
    }, info.verdictHoldMs);
  };
  /** Every verdict shown sounds, wherever it came from (wedge, camera, device scanner, staff's override or confirm); nothing else does. */
  const showVerdict = (verdict: Verdict): void => {
    // An enrolment QR is no verdict: no sound, no count, the set-up screen.
    if (verdict.setup !== undefined) {
      showSetup(verdict.setup);
      return;
    }
    // Not ready: a "no record" says nothing about the person; the screen says NOT READY (the log keeps the verdict).
    // A staff badge's sign-in is no verdict about a person: shown as it is, and the staff line says who.
    screens.showVerdict(
      readiness === undefined || verdict.staffSignIn !== undefined ? verdict : { ...verdict, headline: verdictHeadlineWhile(readiness, verdict) },
    );
    if (verdict.staffSignIn !== undefined) void operator.staff.refresh();
    sound.play(verdict.outcome);
    void refreshToday();
    shown = verdict;
    clearTimeout(holdTimer);
    holdTimer = setTimeout(() => {
      shown = undefined;
      screens.show('idle');
    }, info.verdictHoldMs);
  };

  const wedgeHint = new WedgeHint(api);
  const decide = async (submission: ScanSubmission, startedAt: number): Promise<void> => {
    try {
      const verdict = await api.submitScan(submission);
      if (verdict.repeat === true) {
        // The same read again (a double read, a card held in view): no new entry, and the screen
        // stays as it is — the first verdict for its hold time, or the idle screen after it.
        const kind = submission.source.kind;
        metrics.repeats[kind] = (metrics.repeats[kind] ?? 0) + 1;
        return;
      }
      showVerdict(verdict);
      recordAfterPaint(metrics, startedAt);
      // After the paint: the hint must not delay the verdict.
      if (submission.source.kind === 'wedge') void wedgeHint.showIfDamaged(submission.text);
    } catch (error) {
      // No verdict without a committed entry: show the fault, the gate stays closed.
      screens.showFault('LỖI — MỜI GẶP NHÂN VIÊN', 'Fault — please see staff', describe(error));
    }
  };

  const sink = document.getElementById('wedge-sink') as HTMLInputElement;
  const operator = new OperatorMode({
    api,
    info,
    screens,
    currentVerdict: () => (screens.current === 'verdict' ? shown : undefined),
    showVerdict,
    holdVerdict: () => clearTimeout(holdTimer),
    refocusWedge: () => sink.focus({ preventScroll: true }),
    describe,
  });
  // The camera's last state with the browser's own error name: for diagnostics, never the public screen.
  let cameraReport: CameraReport | undefined;
  const diagnostics = new DiagnosticsScreen(
    api,
    () => {
      screens.show('idle');
      sink.focus({ preventScroll: true });
    },
    describe,
    () => cameraReport,
  );
  const openDiagnostics = (): void => {
    clearTimeout(holdTimer);
    shown = undefined;
    // Diagnostics is a staff screen: with staff PINs set, behind a sign-in.
    void operator.staff.asStaff(() => void diagnostics.open());
  };
  // A touch kiosk has no F4 key: the operator screen's button opens it too, leaving that screen first (its 30 s timer with it).
  byId('diagnostics-open').addEventListener('click', () => {
    operator.close();
    openDiagnostics();
  });
  window.addEventListener('keydown', (event) => {
    if (event.key === 'F4' && (screens.current === 'idle' || screens.current === 'verdict')) {
      event.preventDefault();
      openDiagnostics();
    } else if (event.key === 'Escape' && diagnostics.isOpen) {
      event.preventDefault();
      diagnostics.close();
    }
  });
  captureWedge(
    sink,
    info.wedge,
    (scan, suffixReceivedAt) => {
      // Setting a scanner up: a scan on the diagnostics screen is a test, not an entry.
      if (diagnostics.isOpen) {
        diagnostics.showTestScan(scan.text, scan.startLost);
        return;
      }
      const cut = scan.startLost === undefined ? {} : { startLost: scan.startLost };
      return decide({ source: { kind: 'wedge', deviceId: 'keyboard' }, text: scan.text, overflow: scan.overflow, ...cut }, suffixReceivedAt);
    },
    () => operator.ownsKeyboard,
    () => {
      metrics.wedgeSuffixesSettled += 1;
    },
  );
  if (cameraRequested(location.hash)) {
    const panel = document.getElementById('camera') as HTMLElement;
    panel.hidden = false;
    void startCameraScanner({
      panel,
      onState: (report) => {
        cameraReport = report;
      },
      preview: document.getElementById('camera-preview') as HTMLVideoElement,
      status: document.getElementById('camera-status') as HTMLElement,
      onScan: (text, seenAt) => {
        // Staff forms own the screen: a card seen meanwhile is not an entry.
        if (isStaffScreen(screens.current)) return;
        void decide({ source: { kind: 'camera', deviceId: 'camera' }, text }, seenAt);
      },
    });
  }
  screens.setVersion(info.version);
  screens.showDemoCards(info.demoCards ?? [], (card) => {
    void decide({ source: { kind: 'manual', deviceId: 'demo-card' }, text: card.qrText }, performance.now());
  });
  const chipPrompt = new ChipPrompt(info.lane);
  handleEvent = (event) => {
    if (event.name === 'devices') {
      setDeviceLine(event.deviceLine);
      return;
    }
    if (event.name === 'chip') {
      chipPrompt.update(event.state);
      return;
    }
    if (event.name === 'setup') {
      showSetup(event.setup);
      return;
    }
    if (event.name === 'readiness') {
      readiness = event.readiness;
      setReadiness(event.readiness);
      return;
    }
    // A chip card's verdict ends its read: the prompt goes even if staff are busy elsewhere.
    if (endsChipRead(event, info.lane)) chipPrompt.clear();
    // A scanner or the chip reader the core reads: shown exactly as a wedge verdict, unless staff
    // are at a staff screen (the gate acted already; the entry is logged).
    if (isStaffScreen(screens.current)) return;
    showVerdict(event.verdict);
  };
  const refreshStatus = async (): Promise<void> => {
    try {
      const status = await api.getKioskStatus();
      screens.setDataAge(status.dataLine);
      screens.setUploadLine(status.uploadLine);
      readiness = status.readiness;
      setReadiness(status.readiness);
      setRuleSet(status.ruleSet);
      if (status.trustFiles !== undefined) setTrustFiles(status.trustFiles);
      if (status.devices !== undefined) setDeviceLine(status.deviceLine);
    } catch {
      // A core that does not answer shows on the next scan, as a fault; the line keeps its last words.
    }
  };
  screens.tickClock(new Date());
  void refreshStatus();
  void refreshToday();
  setInterval(() => {
    screens.tickClock(new Date());
    void refreshStatus();
    void refreshToday();
  }, 10_000);
  // A page that hangs or crashes stops saying so: the kiosk keeping the browser restarts it.
  const heartbeat = (): void => void api.pageHeartbeat().catch(() => undefined);
  heartbeat();
  setInterval(heartbeat, PAGE_HEARTBEAT_MS);
  screens.show('idle');
}

start().catch((error: unknown) => {
  screens.showFault('KIOSK KHÔNG KHỞI ĐỘNG ĐƯỢC', 'The kiosk could not start', describe(error));
});
