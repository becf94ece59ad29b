import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { AUTOPLAY_WITHOUT_GESTURE } from '../../main/launcher/chromium.js';
import { requireSystemPackage } from './system-package.js';

/** Debian's Chromium (Playwright's own browser download is not possible here). */
export function chromiumPath(): string {
  requireSystemPackage('chromium');
  const path = process.env.CHOT_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: apt-get install chromium, or set CHOT_CHROMIUM`);
  return path;
}

/** `extraArgs`: more Chromium switches, e.g. a fake camera fed from a file. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // The machine has no network: without these Chromium keeps trying to reach Google.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // As the kiosk's own Chromium (`chot start --open`): verdict sounds start with no gesture.
      AUTOPLAY_WITHOUT_GESTURE,
      ...extraArgs,
    ],
  });
}
