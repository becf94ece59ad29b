// The Electron app's entry point (package.json "main"). It lives with the command line
// because the packaged app is also started directly (`chot --data-dir … --device …` from an
// autostart entry), and then reads its options with `chot start`'s own parser: one
// definition of the options, whichever way the kiosk is started.
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { startElectronKiosk } from '../main/electron/electron-kiosk.js';
import { keepRunningWhenOutputCloses } from '../main/launcher/process-output.js';
import type { LaunchOptions } from '../main/launcher/launch-options.js';
import { electronLaunchOptions } from './commands/start-options.js';
import { messageOf } from '../platform/message-of.js';

const log = (message: string): void => void process.stderr.write(`chot: ${message}\n`);
keepRunningWhenOutputCloses();

let launch: LaunchOptions | undefined;
try {
  launch = electronLaunchOptions(process.argv, app.isPackaged);
} catch (error) {
  log(messageOf(error));
  app.exit(2);
}
if (launch !== undefined) {
  startElectronKiosk(
    { app, createWindow: (options) => new BrowserWindow(options), ipcMain, protocol, defaultSession: () => session.defaultSession },
    launch,
    { log },
  ).catch((error: unknown) => {
    log(`the kiosk cannot start: ${messageOf(error)}`);
    app.exit(1);
  });
}
