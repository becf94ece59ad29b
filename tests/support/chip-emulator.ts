import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { CSCA_DIR } from '../../main/trust/csca-certificates.js';
import { repoRoot } from './kiosk-process.js';
import { until } from './wait-for.js';

/**
 * The chip ID card emulator as a test peer, over the real PC/SC stack: a pcscd of the test's
 * own with the vsmartcard virtual reader (vpcd), and `../shared/peers/chip-emulator`'s
 * ICAO 9303 card (vicc + epass_vicc.py) plugged into it. Starting the emulator is putting
 * the card in the reader; kill() is taking it out; restart() puts it back.
 *
 * Why a private pcscd rather than the machine's: pcscd listens on one fixed socket
 * (/run/pcscd/pcscd.comm) and vpcd on fixed TCP ports, so two test files (or two people's
 * runs) would plug their cards into each other's readers. Ours runs in a mount namespace of
 * its own (`unshare`, with a user namespace when not root) whose /run is a temporary
 * directory, on free ports; the client library is pointed at its socket by
 * PCSCLITE_CSOCK_NAME. pcsc-lite reads that variable once per process, so one test file (one
 * vitest worker process) has one daemon: start it once, in beforeAll, before anything opens
 * a PC/SC context. Its stop() and restart() are pcscd going away and coming back.
 */

/** The Debian packages the real stack needs (scripts/system-packages.json says why). */
export const CHIP_EMULATOR_PACKAGES = [
  'pcscd',
  'vsmartcard-vpcd',
  'vsmartcard-vpicc',
  'python3-virtualsmartcard',
  'python3-pycryptodome',
  'python3-pil',
  'openssl',
] as const;

const EMULATOR_DIR = resolve(repoRoot(), '..', 'shared', 'peers', 'chip-emulator');
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
/** Debian's interpreter: the emulator's modules (virtualsmartcard, Cryptodome) are installed for it, not for another python3 on PATH. */
const PYTHON = '/usr/bin/python3';
/** The reader vpcd's first and second slots appear as. */
export const VIRTUAL_READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

/**
 * Why the real stack cannot run here, or undefined when it can. In CI a missing piece is a
 * set-up failure (the caller throws the reason); elsewhere the suite skips, saying this.
 */
export function chipEmulatorUnavailable(): string | undefined {
  // The same check and message as `npm test`'s (the package, what needs it, its install command).
  const check = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'system-deps.mjs'), '--only', CHIP_EMULATOR_PACKAGES.join(',')], { encoding: 'utf8' });
  if (check.status !== 0) {
    // Its indented lines: each missing package with what needs it, then the install command.
    const lines = check.stderr
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim().replace(/\s{2,}/, ': '));
    return `system packages missing — ${lines.join('; ') || CHIP_EMULATOR_PACKAGES.join(' ')}`;
  }
  if (!existsSync(join(EMULATOR_DIR, 'epass_vicc.py'))) return `the chip card emulator is absent: ${EMULATOR_DIR}`;
  const probe = spawnSync('unshare', [...unshareArgs(), 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) return 'cannot start a private pcscd: `unshare --mount` is refused here (user namespaces disabled?)';
  return undefined;
}

function unshareArgs(): string[] {
  // As root a mount namespace is enough; a normal user needs a user namespace to own one.
  return process.getuid?.() === 0 ? ['--mount', '--propagation', 'private'] : ['--user', '--map-root-user', '--mount', '--propagation', 'private'];
}

/** A TCP port free on this machine now, with the next one free too (vpcd's two slots). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await freePort(0);
    if (port < 65_535 && (await freePort(port + 1).catch(() => undefined)) !== undefined) return port;
  }
  throw new Error('no pair of free TCP ports for vpcd');
}

function freePort(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    // vpcd listens on every address, so the port must be free on every address too.
    server.listen(port, () => {
      const address = server.address();
      const found = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolvePort(found));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once('exit', () => resolveExit()));
}

/** A pcscd of this test file's own, with vpcd on two free ports. */
export class PrivatePcscd {
  /** The socket clients reach it on (PCSCLITE_CSOCK_NAME). */
  readonly socketPath: string;
  /** vpcd's first slot's port ("Virtual PCD 00 00"); the second slot is port + 1. */
  readonly port: number;
  readonly #dir: string;
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(dir: string, port: number) {
    this.#dir = dir;
    this.port = port;
    this.socketPath = join(dir, 'run', 'pcscd', 'pcscd.comm');
  }

  /** Starts the daemon and points this process's PC/SC client at it (before any context is opened). */
  static async start(): Promise<PrivatePcscd> {
    const dir = mkdtempSync(join(tmpdir(), 'chot-pcscd-'));
    const port = await freePortPair();
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'run'));
    // vpcd's reader.conf entry, as the vsmartcard-vpcd package's own, on our port (CHANNELID).
    const channel = `0x${port.toString(16).toUpperCase()}`;
    writeFileSync(
      join(dir, 'conf', 'vpcd'),
      `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:${channel}\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    ${channel}\n`,
    );
    const pcscd = new PrivatePcscd(dir, port);
    // In a worker thread process.env is a copy the native client library never reads.
    if (!isMainThread) throw new Error('PrivatePcscd needs its own process (vitest pool "forks"), not a worker thread');
    const existing = process.env.PCSCLITE_CSOCK_NAME;
    if (existing !== undefined && existing !== pcscd.socketPath)
      throw new Error(`this process already talks to the pcscd at ${existing}: one private pcscd per test file`);
    process.env.PCSCLITE_CSOCK_NAME = pcscd.socketPath;
    await pcscd.restart();
    return pcscd;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** (Re)starts pcscd on the same socket and ports, and waits for its socket. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('pcscd is already running');
    rmSync(join(this.#dir, 'run', 'pcscd'), { recursive: true, force: true });
    const script = `mount --bind '${join(this.#dir, 'run')}' /run && mkdir -p /run/pcscd && exec pcscd --foreground --config '${join(this.#dir, 'conf')}'`;
    const child = spawn('unshare', [...unshareArgs(), 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    });
    this.#child = child;
    const keep = (chunk: Buffer): void => void (this.#log = (this.#log + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    await until(
      () => existsSync(this.socketPath) || this.#child !== child,
      () => `pcscd did not create ${this.socketPath} within 10 s: ${this.#log}`,
      10_000,
    );
    if (this.#child !== child) throw new Error(`pcscd exited at start: ${this.#log}`);
  }

  /** pcscd goes away (as when it crashes or is restarted): every client's context dies. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    await exited(child);
  }

  /** Stops pcscd and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export interface ChipEmulatorOptions {
  /** vpcd slot: 0 is "Virtual PCD 00 00", 1 is "Virtual PCD 00 01". */
  readonly slot?: 0 | 1;
  /** More of epass_vicc.py's options (README of the emulator), e.g. ['--pace-only']. */
  readonly args?: readonly string[];
}

/**
 * The emulated chip ID card: a fictitious Vietnamese CCCD (make_vn_sample.py's MRZ and DG13,
 * a synthetic photo, an EF.SOD signed under a throw-away CSCA) in a temporary directory.
 */
export class ChipEmulator {
  readonly reader: string;
  /** The throw-away CSCA that signed the card's EF.SOD (trust it in passive-authentication tests). */
  readonly cscaPath: string;
  readonly #pcscd: PrivatePcscd;
  readonly #dir: string;
  readonly #slot: 0 | 1;
  readonly #args: readonly string[];
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(pcscd: PrivatePcscd, dir: string, options: ChipEmulatorOptions) {
    this.#pcscd = pcscd;
    this.#dir = dir;
    this.#slot = options.slot ?? 0;
    this.#args = options.args ?? [];
    this.reader = VIRTUAL_READERS[this.#slot];
    this.cscaPath = join(dir, 'pki', 'csca.pem');
  }

  /** Writes the card's data and puts the card in the reader (starts the emulator). */
  static async start(pcscd: PrivatePcscd, options: ChipEmulatorOptions = {}): Promise<ChipEmulator> {
    const dir = mkdtempSync(join(tmpdir(), 'chot-chip-card-'));
    // make_vn_sample.py writes data/ under its working directory: ours, never the emulator's folder.
    const sample = spawnSync(PYTHON, [join(EMULATOR_DIR, 'make_vn_sample.py')], { cwd: dir, encoding: 'utf8' });
    if (sample.status !== 0) throw new Error(`make_vn_sample.py failed: ${sample.stderr}`);
    const emulator = new ChipEmulator(pcscd, dir, options);
    try {
      await emulator.restart();
    } catch (error) {
      await emulator.dispose();
      throw error;
    }
    return emulator;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The emulator's last output (its start line says what the card offers). */
  get log(): string {
    return this.#log;
  }

  /** Puts the card (back) in the reader: resolves once the emulator is connected to vpcd. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('the chip card emulator is already running');
    const args = [
      join(EMULATOR_DIR, 'epass_vicc.py'),
      '--mrz-file',
      join(this.#dir, 'data', 'vn_td1.mrz'),
      '--dg',
      `13=${join(this.#dir, 'data', 'dg13.bin')}`,
      '--photo',
      'synthetic',
      '--gen-sod',
      join(this.#dir, 'pki'),
      '--port',
      String(this.#pcscd.port + this.#slot),
      ...this.#args,
    ];
    const child = spawn(PYTHON, args, { cwd: this.#dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#log = '';
    const keep = (chunk: Buffer): void => void (this.#log = (this.#log + chunk.toString()).slice(-4_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
    // Its start line ("connected to vpcd …") comes once the card is plugged into the reader;
    // pcscd notices it at its next poll, which the tests wait for as the driver's card-inserted event.
    try {
      await until(
        () => this.#log.includes('connected to vpcd') || this.#child !== child,
        () => `the chip card emulator did not connect to vpcd within 30 s: ${this.#log}`,
        30_000,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
    if (this.#child !== child) throw new Error(`the chip card emulator exited at start: ${this.#log}`);
  }

  /** Takes the card out of the reader (the emulator is killed, as a card leaves the field: no goodbye). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * A card whose throw-away CSCA a kiosk in `dataDir` trusts (`<data>/trust/csca/`), out of the
 * reader: the emulator makes the card's PKI at its first start, so it is started, the card
 * taken out and its CSCA copied; restart() then puts the card in.
 */
export async function emulatorTrustedBy(pcscd: PrivatePcscd, dataDir: string, options: ChipEmulatorOptions = {}): Promise<ChipEmulator> {
  const emulator = await ChipEmulator.start(pcscd, options);
  await emulator.kill();
  const cscaDir = join(dataDir, CSCA_DIR);
  mkdirSync(cscaDir, { recursive: true });
  copyFileSync(emulator.cscaPath, join(cscaDir, 'csca.pem'));
  return emulator;
}
