import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDoctor, type DoctorDeps } from '../../../cli/commands/doctor.js';
import { main } from '../../../cli/main.js';
import { FakePcscBinding } from '../../../drivers/chip/fake-pcsc-binding.js';
import type { RelayHandle } from '../../../drivers/device.js';
import { FakeHidBinding } from '../../../drivers/hid/fake-hid-binding.js';
import type { RelaySpec } from '../../../main/devices/device-spec.js';
import { FACTS_DATABASE_FILE, openFactsDatabase } from '../../../main/store/facts-database.js';
import { FactsStore } from '../../../main/store/facts-store.js';
import { KIOSK_DATABASE_FILE, openKioskDatabase } from '../../../main/store/kiosk-database.js';
import { repoRoot } from '../../support/kiosk-process.js';

/**
 * `chot doctor` on data directories rigged into good and bad states, with the machine's devices,
 * pcscd, disk and systemd faked: the table, the --json document, the exit code, and the relay
 * click test that runs only when confirmed.
 */
let dataDir: string;
/** A file standing for a serial port that is there (the doctor checks a named serial path on disk). */
let presentPort: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chot-doctor-cli-'));
  presentPort = join(dataDir, 'ttyRELAY');
  writeFileSync(presentPort, '');
  openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE)).close();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function syncedHoursAgo(hours: number): void {
  const db = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE));
  new FactsStore(db).markSynced(Date.now() - hours * 3_600_000, 1);
  db.close();
}

function devicesJson(devices: unknown[]): void {
  writeFileSync(join(dataDir, 'devices.json'), JSON.stringify({ devices }));
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly pulses: { channel: number; ms: number }[];
  readonly asked: string[];
}

async function doctor(args: string[], extra: Partial<DoctorDeps> & { answer?: boolean } = {}): Promise<Run> {
  let out = '';
  const pulses: { channel: number; ms: number }[] = [];
  const asked: string[] = [];
  const relay = (spec: RelaySpec): Promise<RelayHandle> => {
    expect(spec.path).toBe(presentPort);
    return Promise.resolve({
      pulse: async (channel, ms) => void pulses.push({ channel, ms }),
      allOff: async () => undefined,
      onFault: () => undefined,
      close: async () => undefined,
    });
  };
  const { answer, ...deps } = extra;
  const code = await runDoctor(['--data-dir', dataDir, ...args], {
    freeSpace: () => 8 * 1024 ** 3,
    systemd: { underSystemd: () => false, activeStates: async () => [] },
    devices: {
      firmwareConfigDir: join(repoRoot(), 'firmware-config'),
      serial: { list: async () => [] },
      hid: new FakeHidBinding(),
      ccid: () => [],
      pcsc: new FakePcscBinding(),
    },
    relay: {
      openRelay: relay,
      ask: async (question) => {
        asked.push(question);
        return answer ?? false;
      },
    },
    interactive: false,
    write: (text) => void (out += text),
    ...deps,
  });
  return { code, out, pulses, asked };
}

interface DoctorJson {
  readonly status: string;
  readonly checks: readonly { id: string; status: string; vi: string; en: string; fix?: { vi: string; en: string }; detail?: Record<string, unknown> }[];
}

describe('chot doctor', () => {
  it('exits 0 on a working but offline, unenrolled kiosk: WARN lines, no FAIL', async () => {
    syncedHoursAgo(1);
    devicesJson([{ kind: 'serial-relay', path: presentPort }]);
    const run = await doctor([]);
    expect(run.out).toMatch(/^OK {2}\s*Thiết bị có mặt: serial-relay .* \/ Device present: serial-relay/m);
    expect(run.out).toMatch(/^WARN {2}Chưa ghi danh với hub \(không có hub.json\) \/ Not enrolled with a hub \(no hub.json\)$/m);
    expect(run.out).toMatch(/^WARN {2}Mã hóa dữ liệu: không mã hóa .* \/ Encryption at rest: not encrypted .*$/m);
    expect(run.out).toMatch(/^ {8}Seal a key \(sudo chot db-key seal\)/m);
    expect(run.out).toMatch(/^ {6}→ .*chot enroll/m);
    expect(run.out).toMatch(/^0 FAIL, \d+ WARN, \d+ OK$/m);
    expect(run.code).toBe(0);
  });

  it('exits 1 and FAILs a device devices.json names that is not there, stale data and a full disk', async () => {
    syncedHoursAgo(100);
    devicesJson([{ kind: 'serial-scanner', path: '/dev/ttyCHOT-NOT-PLUGGED' }]);
    const run = await doctor(['--json'], { freeSpace: () => 10 * 1024 ** 2 });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.out) as DoctorJson;
    expect(doc.status).toBe('fail');
    const byId = new Map(doc.checks.map((check) => [check.id, check]));
    expect(byId.get('devices.0')).toMatchObject({ status: 'fail', en: 'Device not found: serial-scanner /dev/ttyCHOT-NOT-PLUGGED (lane 1)' });
    expect(byId.get('data.age')?.status).toBe('fail');
    expect(byId.get('disk')?.status).toBe('fail');
    expect(byId.get('hub.enrolment')?.status).toBe('warn');
    expect(byId.get('database.facts')?.status).toBe('ok');
  });

  it('finds the key as the kiosk does (--db-key-file, or the systemd credential) and checks the encrypted databases with it', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'chot-doctor-key-'));
    try {
      const keyFile = join(keys, 'chot-db-key');
      writeFileSync(keyFile, `${'5e'.repeat(32)}\n`, { mode: 0o600 });
      const key = { hex: '5e'.repeat(32), source: 'key-file', origin: keyFile } as const;
      rmSync(join(dataDir, KIOSK_DATABASE_FILE));
      openKioskDatabase(join(dataDir, KIOSK_DATABASE_FILE), key).close();
      const facts = openFactsDatabase(join(dataDir, FACTS_DATABASE_FILE), key);
      new FactsStore(facts).markSynced(Date.now() - 3_600_000, 1);
      facts.close();
      devicesJson([]);
      const byId = (run: Run): Map<string, DoctorJson['checks'][number]> =>
        new Map((JSON.parse(run.out) as DoctorJson).checks.map((check) => [check.id, check]));

      const keyed = byId(await doctor(['--json', '--db-key-file', keyFile], { env: {} }));
      expect(keyed.get('encryption')).toMatchObject({ status: 'ok', en: `Encryption at rest: encrypted (key file ${keyFile})` });
      expect(keyed.get('database.kiosk')?.status).toBe('ok');
      expect(keyed.get('database.facts')?.status).toBe('ok');
      expect(keyed.get('data.age')?.status).toBe('ok');

      const sealed = byId(await doctor(['--json'], { env: { CREDENTIALS_DIRECTORY: keys } }));
      expect(sealed.get('encryption')).toMatchObject({ status: 'ok', en: 'Encryption at rest: encrypted (systemd credential chot-db-key)' });

      const keyless = await doctor(['--json'], { env: {} });
      expect(keyless.code).toBe(1);
      expect(byId(keyless).get('encryption')).toMatchObject({ status: 'fail', detail: { mode: 'none' } });
    } finally {
      rmSync(keys, { recursive: true, force: true });
    }
  });

  it('--json: every check has an id, a status, both languages, and a fix in both when not OK', async () => {
    devicesJson([]);
    const doc = JSON.parse((await doctor(['--json'])).out) as DoctorJson;
    expect(doc.checks.length).toBeGreaterThan(8);
    expect(new Set(doc.checks.map((check) => check.id)).size).toBe(doc.checks.length);
    for (const check of doc.checks) {
      expect(['ok', 'warn', 'fail']).toContain(check.status);
      expect(check.vi.length).toBeGreaterThan(0);
      expect(check.en.length).toBeGreaterThan(0);
      if (check.status !== 'ok') expect(check.fix).toEqual({ vi: expect.any(String), en: expect.any(String) });
    }
    expect(doc.checks.map((check) => check.id)).toEqual(
      expect.arrayContaining([
        'devices.config',
        'pcsc',
        'hub.enrolment',
        'data.age',
        'rules',
        'disk',
        'database.kiosk',
        'database.facts',
        'encryption',
        'systemd',
      ]),
    );
  });

  it('names the profile of a configured device it finds, and WARNs what chot devices would advise', async () => {
    devicesJson([{ kind: 'hid-pos-scanner', path: '/dev/hidraw1' }]);
    const hid = new FakeHidBinding();
    // A Honeywell scanner left in keyboard mode: present, but garbling Vietnamese names.
    hid.plug({ path: '/dev/hidraw1', vendorId: 0x0c2e, productId: 0x0b01, usagePage: 0x01, usage: 0x06 });
    const run = await doctor(['--json'], {
      devices: { firmwareConfigDir: join(repoRoot(), 'firmware-config'), serial: { list: async () => [] }, hid, ccid: () => [], pcsc: new FakePcscBinding() },
    });
    const doc = JSON.parse(run.out) as DoctorJson;
    expect(doc.checks.find((check) => check.id === 'devices.0')).toMatchObject({ status: 'ok', detail: { profile: 'honeywell-1450g' } });
    expect(doc.checks.find((check) => check.id === 'devices.hint./dev/hidraw1')).toMatchObject({
      status: 'warn',
      fix: { en: expect.stringContaining('keyboard mode garbles Vietnamese names') },
    });
  });

  it('FAILs a devices.json the kiosk could not start with', async () => {
    writeFileSync(join(dataDir, 'devices.json'), '{"devices": [{"kind": "serial-scanner"}]}');
    const doc = JSON.parse((await doctor(['--json'])).out) as DoctorJson;
    expect(doc.checks.find((check) => check.id === 'devices.config')).toMatchObject({ status: 'fail', detail: { problem: expect.stringContaining('path') } });
  });

  it('FAILs pcscd not running when a chip reader is configured', async () => {
    devicesJson([{ kind: 'chip-reader', path: 'auto' }]);
    const pcsc = new FakePcscBinding();
    pcsc.stopService();
    const run = await doctor(['--json'], {
      devices: { firmwareConfigDir: join(repoRoot(), 'firmware-config'), serial: { list: async () => [] }, hid: new FakeHidBinding(), ccid: () => [], pcsc },
    });
    const doc = JSON.parse(run.out) as DoctorJson;
    expect(doc.checks.find((check) => check.id === 'pcsc')).toMatchObject({
      status: 'fail',
      fix: { en: expect.stringContaining('systemctl enable --now pcscd.socket') },
    });
    expect(run.code).toBe(1);
  });

  it('FAILs a data directory that does not exist', async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const run = await doctor([]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('FAIL  Không có thư mục dữ liệu');
  });
});

describe('chot doctor --relay-test', () => {
  beforeEach(() => {
    syncedHoursAgo(1);
    devicesJson([{ kind: 'serial-relay', path: presentPort, channel: 2, pulseMs: 300 }]);
  });

  it('never clicks without a terminal to ask on, unless --yes', async () => {
    const run = await doctor(['--relay-test']);
    expect(run.pulses).toEqual([]);
    expect(run.asked).toEqual([]);
    expect(run.out).toContain('WARN  Bỏ qua thử rơ-le');
  });

  it('asks first on a terminal, and clicks only on a yes', async () => {
    const no = await doctor(['--relay-test'], { interactive: true, answer: false });
    expect(no.asked).toHaveLength(1);
    expect(no.pulses).toEqual([]);
    const yes = await doctor(['--relay-test'], { interactive: true, answer: true });
    expect(yes.pulses).toEqual([{ channel: 2, ms: 300 }]);
    expect(yes.out).toMatch(/^OK {2}\s*Rơ-le đã đóng mở: .* \/ Relay clicked/m);
  });

  it('never asks in --json, even on a terminal; --yes clicks without asking', async () => {
    const json = await doctor(['--relay-test', '--json'], { interactive: true, answer: true });
    expect(json.asked).toEqual([]);
    expect(json.pulses).toEqual([]);
    const yes = await doctor(['--relay-test', '--json', '--yes']);
    expect(yes.pulses).toEqual([{ channel: 2, ms: 300 }]);
  });

  it('FAILs a relay that cannot be opened', async () => {
    const run = await doctor(['--relay-test', '--yes', '--json'], {
      relay: { openRelay: () => Promise.reject(new Error('port busy')) },
    });
    const doc = JSON.parse(run.out) as DoctorJson;
    expect(doc.checks.find((check) => check.id === 'relay.test.0')).toMatchObject({ status: 'fail', detail: { problem: 'port busy' } });
  });
});

describe('chot doctor as a command of chot', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is listed, and a bad flag is a usage error with its help', async () => {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    expect(await main(['--help'])).toBe(0);
    expect(await main(['doctor', '--colour'])).toBe(2);
    vi.restoreAllMocks();
    expect(stdout).toMatch(/^ {2}doctor +check a kiosk on site/m);
    expect(stderr).toContain('Usage: chot doctor [--data-dir DIR] [--db-key-file FILE] [--json] [--relay-test [--yes]]');
  });
});
