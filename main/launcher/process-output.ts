/**
 * The kiosk outlives whoever reads its output. Once a log reader has gone (a pipe into a
 * logger that died, `chot start | head`), a write to stdout or stderr fails with EPIPE: an
 * 'error' event that, without a listener, would end the kiosk. The line is lost; the gate
 * keeps working. Only for the long-running kiosk: a one-shot command stopping when its
 * reader stops is the usual and right behaviour.
 */
export function keepRunningWhenOutputCloses(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) stream.on('error', () => undefined);
}
