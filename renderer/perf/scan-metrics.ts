import type { SoundPlayed } from '../sound/verdict-sound.js';

/**
 * Scan → verdict painted, measured in the page: from when the scan ended there (a wedge scan:
 * its handler got the suffix key; a camera scan: its frame was grabbed; a demo card: the tap)
 * to the first moment after the frame that shows the verdict (a message posted from a frame
 * callback runs after that frame is painted). Kept in memory for the benchmark; nothing
 * leaves the page.
 */
export interface ScanMetrics {
  readonly scanToPaintMs: number[];
  /**
   * Keyboard-wedge suffix keys whose handling is over: ignored (not a scan), or framed and
   * its verdict (or fault) shown. Tests wait on it rather than sleep before asserting that
   * nothing was decided.
   */
  wedgeSuffixesSettled: number;
  /**
   * Reads the core answered as repeats (the same code on the same input within the repeat
   * window: no new entry), by the input's kind. Tests wait on it to know a card was read again
   * before asserting it made one entry only.
   */
  repeats: Record<string, number>;
  /**
   * The verdict sounds started, oldest first (the last 1 000): tests read which outcome's tones
   * the audio graph got, and that a test scan or a muted kiosk made none.
   */
  readonly sounds: SoundPlayed[];
}

const KEEP = 1000;

export function createScanMetrics(): ScanMetrics {
  const metrics: ScanMetrics = { scanToPaintMs: [], wedgeSuffixesSettled: 0, repeats: {}, sounds: [] };
  (window as unknown as { chotMetrics: ScanMetrics }).chotMetrics = metrics;
  return metrics;
}

export function recordAfterPaint(metrics: ScanMetrics, startedAt: number): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (metrics.scanToPaintMs.length >= KEEP) metrics.scanToPaintMs.shift();
      metrics.scanToPaintMs.push(performance.now() - startedAt);
      channel.port1.close();
    };
    channel.port2.postMessage(null);
  });
}
