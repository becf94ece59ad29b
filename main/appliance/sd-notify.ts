import { execFile } from 'node:child_process';

/**
 * systemd's notification protocol (sd_notify(3)) for a kiosk run as a `Type=notify` service.
 *
 * Node has no AF_UNIX datagram sockets, so the lines go through `systemd-notify` (in the
 * `systemd` package on every systemd machine), one short exec per message: READY once, then a
 * WATCHDOG ping every half WatchdogSec (seconds apart, not a hot path). The sender is that
 * child, not the kiosk, so the unit needs `NotifyAccess=all`. Without `--no-block`,
 * systemd-notify waits until the manager has read the message (a barrier), so a message is
 * never lost to the child exiting before systemd looked up whose it was.
 */
export interface SdNotifier {
  /** Sends the `KEY=value` lines as one datagram; resolves false (never throws) when it could not. */
  send(lines: readonly string[]): Promise<boolean>;
}

/** How long one systemd-notify may take before it is given up on (a manager that does not read). */
const SEND_TIMEOUT_MS = 5_000;

/** The notifier when the kiosk runs under systemd with notification (NOTIFY_SOCKET set), else undefined. */
export function sdNotifierFromEnv(env: NodeJS.ProcessEnv, binary = env['CHOT_SYSTEMD_NOTIFY'] ?? 'systemd-notify'): SdNotifier | undefined {
  const socket = env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return undefined;
  return {
    send: (lines) =>
      new Promise((resolve) => {
        execFile(binary, [...lines.map(oneLine)], { env: { ...env, NOTIFY_SOCKET: socket }, timeout: SEND_TIMEOUT_MS }, (error) => resolve(error === null));
      }),
  };
}

/** The watchdog interval systemd asks for (WATCHDOG_USEC, for this process when WATCHDOG_PID says so), in ms. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  const forPid = env['WATCHDOG_PID'];
  if (forPid !== undefined && forPid !== '' && Number(forPid) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000));
}

/** A STATUS text is one line: a newline would start another field. */
function oneLine(field: string): string {
  return field.replace(/[\r\n]+/g, ' ');
}
