/**
 * Waiting in tests on something another process or a timer brings about: poll, never sleep a
 * fixed time, and fail with what was awaited. The one copy every test uses.
 */

/** What was awaited, for the error; a function when it should say what was seen by then (a log). */
export type Awaited = string | (() => string);

/** Polls `probe` (sync or async) every `intervalMs` until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(what: Awaited, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(typeof what === 'string' ? `timed out waiting for ${what}` : what());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `check` holds (a shorthand of waitFor for a plain condition). */
export async function until(check: () => boolean, what: Awaited = 'a condition', timeoutMs = 20_000, intervalMs = 20): Promise<void> {
  await waitFor(what, () => (check() ? true : undefined), timeoutMs, intervalMs);
}
