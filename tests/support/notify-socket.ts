import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { requireSystemPackage } from './system-package.js';

/** One sd_notify datagram the fake NOTIFY_SOCKET received, with when it arrived. */
export interface NotifyMessage {
  readonly at: number;
  readonly fields: readonly string[];
}

export interface FakeNotifySocket {
  readonly path: string;
  readonly messages: NotifyMessage[];
  /** Resolves with the first message (from index `from` on) that `match` accepts. */
  next(match: (message: NotifyMessage) => boolean, from?: number, timeoutMs?: number): Promise<NotifyMessage>;
  close(): void;
}

// Node has no AF_UNIX datagram sockets; python3 (a system dependency already) binds one and
// prints each datagram as one JSON line.
const READER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(json.dumps(s.recv(65536).decode("utf-8", "replace")), flush=True)
`;

/** A unix datagram socket in `dir` that systemd would own: what the kiosk sends to NOTIFY_SOCKET. */
export async function openFakeNotifySocket(dir: string): Promise<FakeNotifySocket> {
  requireSystemPackage('python3');
  // What the kiosk sends through (sd-notify.ts).
  requireSystemPackage('systemd');
  const path = join(dir, 'notify.sock');
  const child: ChildProcess = spawn('python3', ['-c', READER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: NotifyMessage[] = [];
  const waiters = new Set<() => void>();
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the notify socket reader exited with ${code}`)));
    lines.on('line', (line) => {
      if (line === 'bound') return resolve();
      messages.push({ at: Date.now(), fields: (JSON.parse(line) as string).split('\n') });
      for (const wake of waiters) wake();
    });
  });
  return {
    path,
    messages,
    next: (match, from = 0, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const look = (): boolean => {
          const found = messages.slice(from).find(match);
          if (found === undefined) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = (): void => void look();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching notify message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.fields))}`));
        }, timeoutMs);
        waiters.add(wake);
        look();
      }),
    close: () => child.kill('SIGKILL'),
  };
}

export const hasField =
  (field: string) =>
  (message: NotifyMessage): boolean =>
    message.fields.includes(field);
export const statusOf = (message: NotifyMessage): string | undefined => message.fields.find((field) => field.startsWith('STATUS='))?.slice('STATUS='.length);
