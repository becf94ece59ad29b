import type { WedgeSettings } from '../../domain/contract/kiosk-api.js';
import { KeystrokeFramer, type FramedScan } from './keystroke-framer.js';

/**
 * Binds the keystroke framer to the page. A keyboard-wedge scanner delivers keys as
 * `keydown`; characters an input method injects (Vietnamese letters through Unikey
 * or an IME) arrive as text insertions into the focused element, so a hidden sink
 * input keeps the focus and both paths feed the same framer. Event timestamps are
 * on the `performance.now()` clock.
 *
 * `isPaused`: while staff type into a form (the override's who and why), keys are theirs:
 * the framer leaves them alone and the sink does not take the focus back.
 * `onSuffixSettled`: a suffix key has been dealt with — it ended no scan, or the scan it
 * ended has been handled (`onScan`'s promise settled).
 * `onScan`'s `suffixReceivedAt` is `performance.now()` when this page's handler got the suffix
 * key: the start of scan → paint. The event's own `timeStamp` is the sender's (the framer
 * needs it for the rhythm), and a sender may set it — a test driving the keys does — so it
 * says when the key was stamped, not when the page had it.
 */
export function captureWedge(
  sink: HTMLInputElement,
  settings: WedgeSettings,
  onScan: (scan: FramedScan, suffixReceivedAt: number) => void | Promise<void>,
  isPaused: () => boolean = () => false,
  onSuffixSettled: () => void = () => undefined,
): () => void {
  let handling: void | Promise<void> = undefined;
  let suffixReceivedAt = 0;
  const framer = new KeystrokeFramer(settings, (scan) => {
    handling = onScan(scan, suffixReceivedAt);
  });

  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.altKey || event.metaKey || isPaused()) return;
    if (event.key === settings.suffixKey) {
      suffixReceivedAt = performance.now();
      event.preventDefault();
      handling = undefined;
      framer.suffix(event.timeStamp);
      void Promise.resolve(handling).finally(onSuffixSettled);
    } else if ([...event.key].length === 1) {
      event.preventDefault();
      framer.character(event.key, event.timeStamp);
    }
  };
  const onBeforeInput = (event: InputEvent): void => {
    if (event.inputType !== 'insertText' || event.data === null || isPaused()) return;
    event.preventDefault();
    for (const char of event.data) framer.character(char, event.timeStamp);
  };
  const keepFocus = (): void => {
    setTimeout(() => {
      if (!isPaused()) sink.focus({ preventScroll: true });
    }, 0);
  };

  window.addEventListener('keydown', onKeyDown, true);
  sink.addEventListener('beforeinput', onBeforeInput);
  sink.addEventListener('blur', keepFocus);
  sink.focus({ preventScroll: true });
  return () => {
    window.removeEventListener('keydown', onKeyDown, true);
    sink.removeEventListener('beforeinput', onBeforeInput);
    sink.removeEventListener('blur', keepFocus);
  };
}
