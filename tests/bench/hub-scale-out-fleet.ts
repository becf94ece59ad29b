// The pieces of the hub-scale-out benchmark that run things: hub processes on one
// PostgreSQL, the simulated kiosks' load processes, a static file server, and the CPU time
// each of them used (read from /proc: the figures per request come from it).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deviceIdOf } from '../../hub/enrollment/enrollment-service.js';
import { HUB_KEY_FILE, loadOrCreateHubSigningKey } from '../../hub/keys/hub-signing-key.js';
import { PgHubStorage } from '../../hub/storage/pg-hub-storage.js';
import { publicKeyRawOf } from '../../main/hub-client/device-identity.js';
import type { ScaleCommand, ScaleDevice } from '../support/scale-out-kiosk-child.js';
import { startHubProcess, type HubProcess } from './support/hub-process.js';

export interface HubFleet {
  /** The first is the artefact builder (it holds the builder lock: it started first). */
  readonly hubs: readonly HubProcess[];
  readonly dataDirs: readonly string[];
  /** The artefact store (a directory) the builder publishes to, and the static server that serves it to kiosks. */
  readonly artefacts: { readonly dir: string; readonly url: string; readonly pid: number };
  /** The hub key's raw public key, base64: what kiosks pin. */
  readonly publicKey: string;
  stop(): Promise<void>;
}

/**
 * `count` × `chot hub serve --pg URL --artefact-dir DIR --artefact-base URL`, one PostgreSQL
 * database, one artefact store served by a plain static server. Each process gets a data
 * directory of its own holding a copy of one signing key (as separate machines would). The
 * first process starts alone and becomes the builder; the others start once its snapshot
 * at `seq` is published, and serve snapshots from the store.
 */
export async function startHubFleet(baseDir: string, pgUrl: string, count: number, seq: number): Promise<HubFleet> {
  const dataDirs = Array.from({ length: count }, (_, i) => join(baseDir, `hub-${i}`));
  const key = loadOrCreateHubSigningKey(dataDirs[0] as string);
  for (const dir of dataDirs.slice(1)) {
    mkdirSync(dirname(join(dir, HUB_KEY_FILE)), { recursive: true, mode: 0o700 });
    copyFileSync(join(dataDirs[0] as string, HUB_KEY_FILE), join(dir, HUB_KEY_FILE));
  }
  const artefactDir = join(baseDir, 'artefacts');
  mkdirSync(artefactDir);
  const staticServer = await startStaticServer(artefactDir);
  const base = staticServer.url.endsWith('/') ? staticServer.url : `${staticServer.url}/`;
  const args = ['--pg', pgUrl, '--artefact-dir', artefactDir, '--artefact-base', base];
  const hubs: HubProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    staticServer.stop();
  };
  try {
    const builder = await startHubProcess(dataDirs[0] as string, 60_000, args);
    hubs.push(builder);
    await builder.snapshotReady(seq);
    await builder.artefactsPublished(seq);
    for (const dir of dataDirs.slice(1)) hubs.push(await startHubProcess(dir, 60_000, args));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    hubs,
    dataDirs,
    artefacts: { dir: artefactDir, url: base, pid: staticServer.pid },
    publicKey: Buffer.from(key.publicKeyRaw).toString('base64'),
    stop,
  };
}

/** `count` kiosks registered as enrolment leaves them (without a code each); keys for the load processes. */
export async function registerKiosks(pgUrl: string, count: number): Promise<Omit<ScaleDevice, 'hub'>[]> {
  const storage = await PgHubStorage.open(pgUrl);
  const devices: Omit<ScaleDevice, 'hub'>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { privateKey } = generateKeyPairSync('ed25519');
      const publicKeyRaw = publicKeyRawOf(privateKey);
      const deviceId = deviceIdOf(publicKeyRaw);
      const location = `Điểm ${i + 1}`;
      await storage.enrollment.saveDevice({ deviceId, publicKeyRaw, location, revoked: false, enrolledAt: Date.now() });
      devices.push({ deviceId, key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), location });
    }
  } finally {
    await storage.close();
  }
  return devices;
}

/** The simulated kiosks, spread over load processes (tests/support/scale-out-kiosk-child.ts). */
export interface KioskLoad {
  readonly pids: readonly number[];
  /** Sends a command to every load process; resolves with each one's answer. */
  all<T>(command: ScaleCommand): Promise<T[]>;
  /** Sends a command to the first load process only. */
  one<T>(command: ScaleCommand): Promise<T>;
  close(): Promise<void>;
}

interface LoadChild {
  readonly child: ChildProcess;
  readonly answers: ((line: string) => void)[];
}

export async function startKioskLoad(dir: string, devices: readonly ScaleDevice[], processes: number, publicKey: string, seq: number): Promise<KioskLoad> {
  const script = fileURLToPath(new URL('../support/scale-out-kiosk-child.js', import.meta.url));
  const children: LoadChild[] = [];
  const ready: Promise<void>[] = [];
  for (let p = 0; p < processes; p++) {
    const file = join(dir, `devices-${p}.json`);
    writeFileSync(file, JSON.stringify(devices.filter((_, i) => i % processes === p)));
    const child = spawn(process.execPath, [script, '--devices', file, '--hub-key', publicKey, '--seq', String(seq)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const killChild = (): boolean => child.kill('SIGKILL');
    process.once('exit', killChild);
    child.once('exit', () => process.off('exit', killChild));
    const load: LoadChild = { child, answers: [] };
    ready.push(
      new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`a kiosk load process exited (${code}) before it was ready`)));
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
          if (line === 'ready') resolve();
          else load.answers.shift()?.(line);
        });
      }),
    );
    children.push(load);
  }
  await Promise.all(ready);
  const ask = <T>(load: LoadChild, command: ScaleCommand): Promise<T> =>
    new Promise((resolve, reject) => {
      load.answers.push((line) => {
        if (line.startsWith('done ')) resolve(JSON.parse(line.slice('done '.length)) as T);
        else reject(new Error(`a kiosk load process failed ${command.cmd}: ${line}`));
      });
      load.child.stdin?.write(`${JSON.stringify(command)}\n`);
    });
  return {
    pids: children.map((c) => c.child.pid ?? 0),
    all: <T>(command: ScaleCommand) => Promise.all(children.map((c) => ask<T>(c, command))),
    one: <T>(command: ScaleCommand) => ask<T>(children[0] as LoadChild, command),
    close: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.child.exitCode !== null) return resolve();
              c.child.once('exit', () => resolve());
              c.child.stdin?.end();
            }),
        ),
      );
    },
  };
}

/** The static file server (tests/support/static-file-server.ts) as a process of its own over `dir`. */
export function startStaticServer(dir: string): Promise<{ url: string; pid: number; stop(): void }> {
  const script = fileURLToPath(new URL('../support/static-file-server.js', import.meta.url));
  const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killChild = (): boolean => child.kill('SIGKILL');
  process.once('exit', killChild);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the static server exited (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const url = /^static serving (\S+)$/.exec(line)?.[1];
      if (url !== undefined)
        resolve({
          url,
          pid: child.pid ?? 0,
          stop: () => {
            process.off('exit', killChild);
            child.kill('SIGTERM');
          },
        });
    });
  });
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process (all its threads), and of the children it has waited for. */
export function cpuSeconds(pid: number, withReapedChildren = false): number {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14 … cstime 17.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const at = (field: number): number => Number(fields[field - 3] ?? 0);
    return (at(14) + at(15) + (withReapedChildren ? at(16) + at(17) : 0)) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // gone, or not Linux
  }
}

/** CPU seconds of the PostgreSQL server: the postmaster, the backends it reaped, and those still running. */
export function postgresCpuSeconds(pgUrl: string): number {
  const socketDir = new URL(pgUrl).searchParams.get('host');
  if (socketDir === null) return 0;
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(socketDir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  let total = cpuSeconds(postmaster, true);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      if (ppid === postmaster) total += cpuSeconds(Number(name));
    } catch {
      // exited meanwhile: reaped, so counted in the postmaster's children's time
    }
  }
  return total;
}
