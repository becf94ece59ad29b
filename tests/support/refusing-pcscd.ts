import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * A pcscd that refuses every client as pcsc-lite's polkit check refuses a user outside the
 * seat (a kiosk service user): pcscd accepts the connection, and its context thread, before
 * reading anything, asks polkit, is told no, logs "Rejected unauthorized PC/SC client" and
 * closes the socket (pcsc-lite src/winscard_svc.c, ContextThread). The client has sent its
 * first message by then (the protocol version exchange: an 8-byte header and a 12-byte body),
 * so the close, with that message unread, resets the connection, and libpcsclite returns
 * SCARD_W_SECURITY_VIOLATION from SCardEstablishContext. This stand-in closes exactly when
 * those 20 bytes are in, so the test does not depend on timing; the real client library and
 * the real addon do the rest.
 *
 * Python rather than Node: closing with unread data needs a peek (MSG_PEEK) that Node's net
 * module does not offer. python3 is one of the chip tests' system packages.
 *
 * pcsc-lite reads PCSCLITE_CSOCK_NAME once per process: one per test file, started before
 * anything opens a PC/SC context.
 */
const SCRIPT = `
import socket, sys, time
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen(8)
while True:
    client, _ = server.accept()
    try:
        while True:
            seen = client.recv(20, socket.MSG_PEEK | socket.MSG_WAITALL)
            if len(seen) >= 20 or len(seen) == 0:
                break
            time.sleep(0.001)
    except OSError:
        pass
    client.close()
`;

/** The refusing pcscd, on a socket of its own in a temporary directory. */
export class RefusingPcscd {
  readonly socketPath: string;
  readonly #dir: string;
  readonly #child: ChildProcess;

  private constructor(dir: string, child: ChildProcess) {
    this.#dir = dir;
    this.socketPath = join(dir, 'pcscd.comm');
    this.#child = child;
  }

  /** Starts it and points this process's PC/SC client (and the processes it starts) at it. */
  static async start(): Promise<RefusingPcscd> {
    if (!isMainThread) throw new Error('RefusingPcscd needs its own process (vitest pool "forks"), not a worker thread');
    const dir = mkdtempSync(join(tmpdir(), 'chot-refusing-pcscd-'));
    const socketPath = join(dir, 'pcscd.comm');
    const existing = process.env.PCSCLITE_CSOCK_NAME;
    if (existing !== undefined && existing !== socketPath) throw new Error(`this process already talks to the pcscd at ${existing}`);
    const child = spawn('/usr/bin/python3', ['-c', SCRIPT, socketPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-2_000)));
    const daemon = new RefusingPcscd(dir, child);
    const deadline = Date.now() + 10_000;
    while (!existsSync(socketPath)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await daemon.dispose();
        throw new Error(`the refusing pcscd did not start: ${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    process.env.PCSCLITE_CSOCK_NAME = socketPath;
    return daemon;
  }

  async dispose(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
