import type { CDPSession, Page } from 'playwright-core';

const sessions = new WeakMap<Page, Promise<CDPSession>>();

function cdp(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (session === undefined) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

export interface WedgeTyping {
  /** Milliseconds between keys as the page sees them (event.timeStamp): a scanner's rhythm, 5 by default. */
  readonly intervalMs?: number;
  /** The key that ends the scan (the framer's suffix); null sends none. Default Enter. */
  readonly suffix?: 'Enter' | null;
  /** A scanner that stalls mid-code: after `afterChars` keys, `ms` of silence before the next. */
  readonly pause?: { readonly afterChars: number; readonly ms: number };
}

/**
 * Types `text` as a keyboard-wedge scanner does, with each key's timestamp set by us (CDP
 * Input.dispatchKeyEvent `timestamp`, which Chromium carries into the DOM event's
 * `timeStamp`): the framer sees keys exactly `intervalMs` apart however loaded the machine
 * is and however late each event is delivered. Timing is the framer's own concern, tested by
 * its unit tests at the 50 ms boundary; an end-to-end test that let the machine's load decide
 * the rhythm would test the load. The events are sent in order without waiting for each.
 */
export async function typeAsWedge(page: Page, text: string, options: WedgeTyping = {}): Promise<void> {
  const session = await cdp(page);
  const interval = (options.intervalMs ?? 5) / 1000;
  let at = Date.now() / 1000;
  const sends: Promise<unknown>[] = [];
  let sent = 0;
  for (const char of text) {
    if (options.pause !== undefined && sent === options.pause.afterChars) at += options.pause.ms / 1000 - interval;
    sent += 1;
    sends.push(session.send('Input.dispatchKeyEvent', { type: 'keyDown', key: char, text: char, unmodifiedText: char, timestamp: at }));
    sends.push(session.send('Input.dispatchKeyEvent', { type: 'keyUp', key: char, timestamp: at }));
    at += interval;
  }
  if (options.suffix !== null) {
    const enter = { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 };
    sends.push(session.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...enter, timestamp: at }));
    sends.push(session.send('Input.dispatchKeyEvent', { type: 'keyUp', ...enter, timestamp: at }));
  }
  await Promise.all(sends);
}

/** How many wedge suffix keys the page has finished handling (renderer/perf/scan-metrics.ts). */
export function wedgeSuffixesSettled(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { chotMetrics: { wedgeSuffixesSettled: number } }).chotMetrics.wedgeSuffixesSettled);
}

/**
 * Types a wedge scan and waits until the page has finished with its suffix — the explicit
 * signal that lets a test assert nothing was decided without sleeping first.
 */
export async function typeAsWedgeAndSettle(page: Page, text: string, options: WedgeTyping = {}): Promise<void> {
  const before = await wedgeSuffixesSettled(page);
  await typeAsWedge(page, text, options);
  await page.waitForFunction((n) => (globalThis as unknown as { chotMetrics: { wedgeSuffixesSettled: number } }).chotMetrics.wedgeSuffixesSettled > n, before, {
    timeout: 10_000,
  });
}

/** The scan → verdict painted times the page has recorded (renderer/perf/scan-metrics.ts), oldest first. */
export function scanToPaintSamples(page: Page): Promise<number[]> {
  return page.evaluate(() => [...(globalThis as unknown as { chotMetrics: { scanToPaintMs: number[] } }).chotMetrics.scanToPaintMs]);
}

/** Waits until the page has recorded more than `count` scan → paint times (it keeps the last 1 000): the verdict's frame is painted. */
export async function waitForScanToPaint(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (globalThis as unknown as { chotMetrics: { scanToPaintMs: number[] } }).chotMetrics.scanToPaintMs.length > n, count, {
    timeout: 10_000,
  });
}
