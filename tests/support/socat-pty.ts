import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { requireSystemPackage } from './system-package.js';

/**
 * A pseudo-terminal that stands in for a serial device: `socat` creates a pty whose slave
 * side is linked at `path` (the kiosk opens it like /dev/ttyACM0), and whose other end is
 * socat's stdin/stdout, which the test holds — write() is the scanner sending bytes,
 * received() is what the kiosk wrote to the device (a relay's frames). kill() is the cable
 * pulled (the kiosk's reads fail with EIO), restart() plugs it back on the SAME link path.
 *
 * A suite that needs it fails at its first pty, naming the package and its install command
 * (requireSystemPackage): a missing socat is a set-up problem to fix, not a reason to skip.
 */

/** Whether socat runs here (the benchmarks skip their serial figures without it). */
export function socatAvailable(): boolean {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

export class SocatPty {
  /** The device path the kiosk opens. */
  readonly path: string;
  readonly #dir: string;
  readonly #ownsDir: boolean;
  #child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  #received: Buffer[] = [];
  #receivedLength = 0;
  #waiters: { length: number; resolve: () => void }[] = [];
  #log = '';

  private constructor(dir: string, name: string, ownsDir: boolean) {
    this.#dir = dir;
    this.#ownsDir = ownsDir;
    this.path = join(dir, name);
  }

  /** Starts socat and waits for the link; `dir` defaults to a fresh temporary directory. */
  static async start(options: { dir?: string; name?: string } = {}): Promise<SocatPty> {
    requireSystemPackage('socat');
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'chot-pty-'));
    const pty = new SocatPty(dir, options.name ?? 'scanner', options.dir === undefined);
    await pty.restart();
    return pty;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** (Re)starts socat on the same link path and waits until the link is there. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('socat is already running');
    // A socat killed with SIGKILL leaves its link behind, dangling: socat refuses to replace it.
    if (isLink(this.path)) rmSync(this.path, { force: true });
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.path}`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout.on('data', (chunk: Buffer) => this.#receive(chunk));
    child.stderr.on('data', (chunk: Buffer) => (this.#log = (this.#log + chunk.toString()).slice(-4_000)));
    child.stdin.on('error', () => undefined);
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + 5_000;
    while (!existsSync(this.path)) {
      if (this.#child !== child) throw new Error(`socat exited before creating ${this.path}: ${this.#log}`);
      if (Date.now() > deadline) throw new Error(`socat did not create ${this.path} within 5 s: ${this.#log}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The device sends bytes (resolves once socat has them). */
  write(bytes: Uint8Array | string): Promise<void> {
    const child = this.#child;
    if (child === undefined) return Promise.reject(new Error('socat is not running'));
    return new Promise((resolve, reject) => child.stdin.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Everything the kiosk wrote to the device so far. */
  received(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.#received));
  }

  clearReceived(): void {
    this.#received = [];
    this.#receivedLength = 0;
  }

  /** Resolves once at least `length` bytes have been received in total. */
  waitForReceived(length: number, timeoutMs = 2_000): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${this.#receivedLength} of ${length} bytes within ${timeoutMs} ms`)), timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.received());
      };
      if (this.#receivedLength >= length) done();
      else this.#waiters.push({ length, resolve: done });
    });
  }

  /** The cable is pulled: socat dies (SIGTERM removes the link, SIGKILL leaves it dangling). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops socat and removes the temporary directory it made. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.#ownsDir) rmSync(this.#dir, { recursive: true, force: true });
  }

  #receive(chunk: Buffer): void {
    this.#received.push(chunk);
    this.#receivedLength += chunk.length;
    const ready = this.#waiters.filter((waiter) => this.#receivedLength >= waiter.length);
    this.#waiters = this.#waiters.filter((waiter) => this.#receivedLength < waiter.length);
    for (const waiter of ready) waiter.resolve();
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
