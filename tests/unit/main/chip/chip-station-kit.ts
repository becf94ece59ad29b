import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { ChipReadingState } from '../../../../domain/contract/chip-reading.js';
import type { KioskEvent } from '../../../../domain/contract/kiosk-events.js';
import type { ScanEvent } from '../../../../domain/scan/scan-event.js';
import type { Verdict } from '../../../../domain/verdict/verdict.js';
import { FakePcscBinding } from '../../../../drivers/chip/fake-pcsc-binding.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { ChipStation } from '../../../../main/chip/chip-station.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import type { DecidedVerdict } from '../../../../main/core/kiosk-event-hub.js';
import { demoCards } from '../../../../main/demo/demo-people.js';
import type { ChipReaderSpec } from '../../../../main/devices/device-spec.js';
import { EntryLog } from '../../../../main/store/entry-log.js';
import { openKioskDatabase } from '../../../../main/store/kiosk-database.js';
import { CSCA_DIR } from '../../../../main/trust/csca-certificates.js';
import { BacChipCard, chipFiles } from '../../../support/chip-bac-card.js';
import { generateSod, makeVnPerson, temporaryDirectory } from '../../../support/chip-samples.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { memoryLogger } from '../../../support/memory-logger.js';

/**
 * The chip card at the gate, over the reader driver and a scriptable PC/SC daemon: a card
 * that runs BAC and secure messaging for real (tests/support/chip-bac-card.ts) holding a demo
 * person's MRZ and DG13 (made by the card emulator's generator) under an EF.SOD its gen_sod.py
 * signed, whose CSCA the kiosk trusts in `<data>/trust/csca/`. Shared by the chip station's tests.
 */
export const READER = 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00';
export const ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);
export const LANE = '2';
export const SPEC: ChipReaderSpec = { kind: 'chip-reader', path: READER, lane: LANE, direction: 'out' };
const qrOf = (name: string): string => demoCards().find((card) => card.label === name)?.qrText ?? '';
export const AN_QR = qrOf('Nguyễn Văn An');
export const BINH_QR = qrOf('Trần Thị Bình');
/** Nguyễn Văn An's card: issued 10/07/2021 at 32, so valid until 40, 15/03/2029. */
export const AN = {
  id12: '056089001234',
  birth: '890315',
  sex: 'M' as const,
  expiry: '290315',
  surname: 'NGUYEN',
  given: 'VAN AN',
  dg13Fields: ['056089001234', 'Nguyễn Văn An', '15/03/1989', 'Nam', 'Việt Nam', 'Kinh', 'Không', 'Khánh Hòa', 'Nha Trang', '', '10/07/2021', '15/03/2029'],
};
export const AN_MRZ = { documentNumber: '089001234', dateOfBirth: '890315', dateOfExpiry: '290315' };

export interface KioskOptions {
  readonly trustCsca?: boolean;
  readonly keyTtlMs?: number;
  readonly binding?: FakePcscBinding;
  /** The demo people in the kiosk's data (default); false: An is a person the data does not hold. */
  readonly demo?: boolean;
}

/**
 * The set-up of a describe block of chip station tests: An's card files under a CSCA made for
 * the block (in `work.dir`/pki), and `kiosk()`, a core on the demo data with a chip station on
 * lane 2. Call it inside the describe: it registers the block's hooks. A test that starts a
 * station of its own pushes it to `opened` (and pops the kiosk's), so it is closed after it.
 */
export function chipStationKit() {
  const work = temporaryDirectory();
  let files: Map<number, Uint8Array>;
  beforeAll(() => {
    const { dg1, dg13 } = makeVnPerson(AN);
    const dataGroups = new Map([
      [1, dg1],
      [13, dg13],
    ]);
    files = chipFiles(dataGroups, generateSod(join(work.dir, 'pki'), { 1: dg1, 13: dg13 }, 'prime256v1'));
  });
  afterAll(() => work.remove());

  const opened: { station: ChipStation; core: KioskCore }[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const { station, core } of opened.splice(0)) {
      await station.close();
      core.close();
    }
  });

  async function kiosk(options: KioskOptions = {}) {
    const dataDir = tempDataDir();
    if (options.trustCsca !== false) {
      mkdirSync(join(dataDir, CSCA_DIR), { recursive: true });
      copyFileSync(join(work.dir, 'pki', 'csca.pem'), join(dataDir, CSCA_DIR, 'csca.pem'));
    }
    const logger = memoryLogger();
    const core = KioskCore.open({ dataDir, demo: options.demo !== false, logger });
    const events: KioskEvent[] = [];
    core.onEvent((event) => events.push(event));
    const relays: DecidedVerdict[] = [];
    core.onVerdict((decided) => relays.push(decided));
    const binding = options.binding ?? new FakePcscBinding();
    if (options.binding === undefined) binding.addReader(READER);
    const station = await ChipStation.start({
      specs: [SPEC],
      core,
      dataDir,
      now: Date.now,
      binding,
      logger,
      reader: { resyncIntervalMs: 50, reopenBackoff: { minMs: 20, maxMs: 100 } },
      retry: { minMs: 20, maxMs: 100 },
      ...(options.keyTtlMs === undefined ? {} : { keyTtlMs: options.keyTtlMs }),
    });
    opened.push({ station, core });
    const log = new EntryLog(openKioskDatabase(join(dataDir, 'kiosk.sqlite')));
    const chipStates = (): ChipReadingState[] => events.flatMap((event) => (event.name === 'chip' ? [event.state] : []));
    const verdicts = (): Verdict[] => events.flatMap((event) => (event.name === 'verdict' && event.source.kind === 'chip' ? [event.verdict] : []));
    const scanQr = (text: string, lane = LANE): Promise<Verdict> => core.submitDeviceScan(serialScan(text), { lane, direction: 'out' });
    const card = (): BacChipCard => new BacChipCard(AN_MRZ, files, nodeChipCrypto);
    const insert = (chip: BacChipCard): void => binding.insertCard(READER, { atr: ATR, respond: chip.respond });
    return { dataDir, core, station, binding, events, relays, log, logger, chipStates, verdicts, scanQr, card, insert };
  }

  return { work, opened, kiosk };
}

function serialScan(text: string): ScanEvent {
  return { source: { kind: 'serial', deviceId: '/dev/ttyACM0' }, text, at: new Date().toISOString() };
}
