/**
 * Process ids that tests read back from their stand-in programs, and signals sent to them.
 *
 * A stand-in notes its pid with `echo $$ >> file`: a reader that races the shell sees the file
 * created but empty, or a line half written. Read as `Number('')`, that is pid 0, and
 * `process.kill(0, 'SIGKILL')` kills the test runner's whole process group (the CI job with it,
 * exit 137); a half-written `12` of `1234` is someone else's process.
 */

/** The pids in `text`, one per line: only lines already ended by a newline, only real pids. */
export function completePids(text: string): number[] {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return [];
  return text
    .slice(0, lastNewline)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[1-9]\d*$/.test(line))
    .map(Number)
    .filter((pid) => Number.isSafeInteger(pid) && pid > 1);
}

/** process.kill for one process: refuses 0, 1, negatives (groups) and anything not a safe integer. */
export function signalOneProcess(pid: number | undefined, signal: NodeJS.Signals | 0): void {
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 1) throw new Error(`not one process's id: ${String(pid)}`);
  process.kill(pid, signal);
}
