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
import { openKioskLogger, stderrLogger } from '../main/logging/kiosk-logger.js';

keepRunningWhenOutputCloses();

let launch: LaunchOptions | undefined;
try {
  launch = electronLaunchOptions(process.argv, app.isPackaged);
} catch (error) {
  // No data directory known yet: stderr only.
  stderrLogger().error(messageOf(error));
  app.exit(2);
}
if (launch !== undefined) {
  const logger = openKioskLogger(launch.dataDir, launch.logLevel);
  startElectronKiosk({ app, createWindow: (options) => new BrowserWindow(options), ipcMain, protocol, defaultSession: () => session.defaultSession }, launch, {
    logger,
  }).catch((error: unknown) => {
    logger.error(`the kiosk cannot start: ${messageOf(error)}`);
    app.exit(1);
  });
}
