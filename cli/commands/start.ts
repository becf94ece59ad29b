import { defaultDataDir, packageRoot } from '../../main/config/paths.js';
import type { KioskRuntimeOptions } from '../../main/core/kiosk-runtime.js';
import { startBrowserMode } from '../../main/launcher/browser-mode.js';
import { findChromium } from '../../main/launcher/chromium.js';
import { keepKioskWindow, type KioskWindowKeeper } from '../../main/launcher/kiosk-window-keeper.js';
import { findElectronBinary, runElectron } from '../../main/launcher/electron-binary.js';
import { keepRunningWhenOutputCloses } from '../../main/launcher/process-output.js';
import { KIOSK_URL_FILE_ENV, writeKioskUrlFile } from '../../main/launcher/kiosk-url-file.js';
import { kioskRuntimeOptions, launchOptionsArg, type LaunchOptions } from '../../main/launcher/launch-options.js';
import { buildLaunchOptions } from './start-options.js';
import { lineLog } from '../../platform/logging/logger.js';
import { stderrLogger } from '../../main/logging/kiosk-logger.js';

export const START_HELP = `Usage: chot start [options]

Starts the kiosk: the Electron window when Electron is installed, otherwise browser
mode, which runs the core in Node, serves the kiosk on 127.0.0.1 and prints
  kiosk-url: http://127.0.0.1:<port>/#token=<token>
(also written to the file $CHOT_KIOSK_URL_FILE names, mode 0640, when it is set:
the chot-kiosk package's screen service reads it there)
Enrolled with a hub (chot enroll), the kiosk syncs continuously in the background
and decides on its last data whenever the hub is out of reach; without a hub it runs
on the built-in demo data set. The Electron window starts with every option below but
--port and --open (browser mode's); the packaged app (chot) takes the same options.

Options:
  --data-dir DIR  where the kiosk keeps its database (default: ${defaultDataDir()})
  --port N        browser mode: port on 127.0.0.1 (default: 0, any free port)
  --open          browser mode: open the kiosk URL in Chromium, full screen
  --browser       use browser mode even when Electron is installed
  --camera        scan QR codes with the camera too (640×480, the rear
                  camera when there is one; decoded in a Web Worker, offline)
  --sync-interval SECONDS
                  enrolled kiosks: wait this long between syncs (default 60); a notice
                  from the hub that it has new data starts a sync at once
  --upload-interval SECONDS
                  enrolled kiosks: wait this long between uploads of the entry log
                  (default 15); offline, uploads retry with backoff and nothing is lost
  --retention-days N
                  keep entries this many days after the hub's receipt for them, then
                  purge them from the kiosk (default 21; 0 purges once the hub holds them)
  --staff-idle-seconds SECONDS
                  a staff session (signed in with a PIN, chot staff) ends after this
                  long without a staff action (default 120; 10 to 3600)
  --repeat-window SECONDS
                  the same code read again on the same scanner or camera within this
                  long of its last read is the same entry (default 3; 0 logs every read)
  --log-level debug|info|warn|error
                  what the kiosk logs (default: $CHOT_LOG_LEVEL, else info): to stderr
                  and to DATA-DIR/logs/chot.log (JSON lines, rotated at 5 MiB, 4 old
                  files kept; no names, addresses or full ID numbers)
  --volume N      the verdicts' sound, 0–100 (default 80; 0 is silent): a rising
                  chime for green, one mid tone for yellow, a low double buzz for red,
                  a short blip for no record
  --mute          no verdict sounds at all
  --theme dark|bright|auto
                  the screen's colours (default dark): bright is dark text on light
                  backgrounds, for a gate in the sun; auto is bright by day and dark
                  by night, by the kiosk's clock
  --day-hours HH:MM-HH:MM
                  the day of --theme auto, in the kiosk's local time (default
                  06:00-18:00)
  --db-key-file FILE
                  encrypt kiosk.sqlite and facts.sqlite with the key in FILE (64 hex
                  digits, owner-only; make one with chot db-key new) where there is no
                  systemd credential chot-db-key (default: $CHOT_DB_KEY_FILE, else not
                  encrypted); an existing plaintext kiosk is encrypted in place at start
  --device KIND=PATH[:BAUD][,OPTION=VALUE…]
                  a scanner, gate relay or chip card reader the kiosk drives (repeatable;
                  adds to, or for the same kind and path replaces, the devices in
                  DATA-DIR/devices.json):
                    serial-scanner=auto|/dev/ttyACM0[:9600]   USB CDC / RS-232 scanner
                        options: lane=ID (default 1), direction=in|out|boarding|alighting
                        (default in), baud=N, suffix=cr|lf|crlf|none|hex:XX
                        Settings and suffix come from the device profile its VID/PID
                        match (firmware-config/), else 9600 8N1 with CR (any line ending
                        accepted); baud= and suffix= override them. auto opens every port
                        (also plugged later) whose VID/PID identify a scanner model; a
                        generic USB-serial chip (CH340, CP210x, FTDI…) is never taken by
                        auto, nor a port named for another device: name it explicitly.
                    hid-pos-scanner=auto|HIDPATH          HID point-of-sale scanner
                        options: lane=ID, direction=…
                    serial-relay=/dev/ttyUSB0[:9600]      CH340 "A0" relay board
                    modbus-relay=/dev/ttyUSB1[:9600]      Modbus RTU relay (coil write)
                    hid-relay=auto|HIDPATH                USBRelayN board (16c0:05df)
                        relay options: lane=ID (the lane whose gate it opens, default 1),
                        channel=N (default 1), pulse=MS (default 500), unit=N (Modbus,
                        default 1)
                    chip-reader=auto|NAME                 chip ID card reader (PC/SC, through pcscd)
                        options: lane=ID, direction=…, timeout=MS (one read, default 20000).
                        A card QR decided on its lane (or a CAN typed by staff) lets it
                        read the card put on it; trusted CSCAs in DATA-DIR/trust/csca/.
                  e.g. --device serial-scanner=/dev/ttyACM0:9600,lane=2,direction=out
                       --device serial-relay=/dev/ttyUSB0,lane=2,channel=1,pulse=800
                  A device that is absent or fails shows a fault on screen and is retried;
                  the kiosk runs on. By default a gate opens on green, for signed
                  credentials only (status pass, DCC); an unsigned green (CCCD/BHYT QR, a
                  bare ID number) waits for a staff confirm (F3). Per lane in devices.json:
                  {"gates": {"2": {"open": ["green", "yellow"], "openFor": ["signed-valid", "unsigned"]}}}.
`;

/** The two shells `chot start` chooses between; a test hands in its own. */
export interface StartShells {
  /** The installed Electron binary, or null. */
  findElectron(): string | null;
  runElectron(binary: string, args: readonly string[]): Promise<number>;
  runBrowserMode(launch: LaunchOptions): Promise<number>;
}

const INSTALLED_SHELLS: StartShells = {
  findElectron: () => findElectronBinary(),
  // The launcher only: the Electron process writes the kiosk's log files itself.
  runElectron: (binary, args) => runElectron(binary, args, lineLog(stderrLogger(), 'error')),
  runBrowserMode: (launch) => runBrowserMode(launch),
};

/** What browser mode gets from the launch options: the runtime's options, as the Electron shell gets them, and its port. */
export function browserModeOptions(launch: LaunchOptions): KioskRuntimeOptions & { readonly port: number } {
  return { ...kioskRuntimeOptions(launch), port: launch.port, pageExpected: launch.open };
}

export async function runStart(args: readonly string[], shells: StartShells = INSTALLED_SHELLS): Promise<number> {
  const launch = buildLaunchOptions(args);
  const electron = launch.browser ? null : shells.findElectron();
  // The whole checked object, as one argument: Electron does not parse the user's options again.
  if (electron !== null) return shells.runElectron(electron, [packageRoot(), launchOptionsArg(launch)]);
  return shells.runBrowserMode(launch);
}

/** The core in this process, serving the renderer on 127.0.0.1, until SIGINT or SIGTERM. */
async function runBrowserMode(launch: LaunchOptions): Promise<number> {
  keepRunningWhenOutputCloses();
  const kiosk = await startBrowserMode(browserModeOptions(launch));
  // The renderer reads its options from the URL fragment, beside the token (never sent over HTTP).
  const kioskUrl = launch.camera ? `${kiosk.server.kioskUrl}&camera=1` : kiosk.server.kioskUrl;
  process.stdout.write(`kiosk-url: ${kioskUrl}\n`);
  const urlFile = process.env[KIOSK_URL_FILE_ENV];
  if (urlFile !== undefined && urlFile !== '') writeKioskUrlFile(urlFile, kioskUrl);
  const log = kiosk.logger.child({ component: 'browser-mode' });
  log.info(`browser mode: data in ${launch.dataDir}, ${kiosk.enrolled ? 'syncing with its hub' : 'demo data (not enrolled with a hub)'}; stop with Ctrl+C`);
  let window: KioskWindowKeeper | null = null;
  if (launch.open) {
    const chromium = findChromium();
    if (chromium === null)
      log.error(
        '--open: không tìm thấy Chromium (đặt CHOT_CHROMIUM) — hãy mở địa chỉ ở trên bằng tay · no Chromium found (set CHOT_CHROMIUM to its path); open the URL above yourself',
      );
    else
      window = keepKioskWindow(chromium, kioskUrl, {
        log: { warn: lineLog(log, 'warn'), error: lineLog(log, 'error') },
        pageHeartbeats: { subscribe: (listener) => kiosk.core.onPageHeartbeat(listener) },
      });
  }
  return new Promise((done) => {
    const stop = (): void => {
      // The window holds the kiosk's token. Closing it also removes its profile, with the
      // launch page that held the token.
      void Promise.all([window?.close(), kiosk.stop()]).then(() => done(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
