import { demoCards } from '../../main/demo/demo-people.js';
import { launchChromium } from '../support/chromium.js';
import { startKioskProcess } from '../support/kiosk-process.js';
import { scanToPaintSamples, typeAsWedgeAndSettle, waitForScanToPaint } from '../support/wedge-keys.js';
import { percentile, round, type Benchmark } from './bench-types.js';

const SCANS = 200;
const WARM_UP = 20;
const GOAL_P99_MS = 50;

/**
 * Scan → verdict painted, in browser mode: a real `chot start` process, Debian's
 * Chromium, keyboard-wedge keystrokes. Measured in the page from the moment its handler gets
 * the suffix key (Enter, the scan's last keystroke) to after the frame that shows the verdict
 * (renderer/perf/scan-metrics.ts).
 *
 * The keys carry the timestamps of a scanner's rhythm (tests/support/wedge-keys.ts), so a
 * loaded machine delaying their delivery does not break a scan into typing; those stamps
 * only frame the scan, they are not where the figure starts.
 */
export const scanToPaint: Benchmark = {
  name: 'scan-to-paint',
  description: 'browser mode: last wedge keystroke → verdict painted',
  async run() {
    // The demo cards stand for one person after another, each card again within seconds: with
    // the repeat filter on, a card read again inside its window paints nothing new to time.
    const kiosk = await startKioskProcess({ extraArgs: ['--repeat-window', '0'] });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(kiosk.url);
      await page.waitForSelector('#idle-screen', { state: 'visible' });
      const cards = demoCards();
      for (let i = 0; i < WARM_UP + SCANS; i++) {
        const card = cards[i % cards.length];
        if (card === undefined) throw new Error('no demo cards');
        await typeAsWedgeAndSettle(page, card.qrText, { intervalMs: 5 });
        // The page has finished with the scan: its verdict is painted, or it never will be.
        await waitForScanToPaint(page, i).catch(async (error: unknown) => {
          const screen = await page.getAttribute('#app', 'data-screen');
          throw new Error(`scan ${i} painted no verdict (screen: ${screen ?? 'unknown'})`, { cause: error });
        });
      }
      const all = await scanToPaintSamples(page);
      const samples = all.slice(WARM_UP);
      const p99 = percentile(samples, 99);
      return [
        { benchmark: 'scan-to-paint', metric: 'p50', value: round(percentile(samples, 50)), unit: 'ms', samples: samples.length },
        {
          benchmark: 'scan-to-paint',
          metric: 'p99',
          value: round(p99),
          unit: 'ms',
          samples: samples.length,
          goal: { text: `p99 ≤ ${GOAL_P99_MS} ms`, met: p99 <= GOAL_P99_MS },
        },
        { benchmark: 'scan-to-paint', metric: 'max', value: round(Math.max(...samples)), unit: 'ms', samples: samples.length },
      ];
    } finally {
      await browser.close();
      await kiosk.stop();
    }
  },
};
