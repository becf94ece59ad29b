import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCardAccess } from '../../../../domain/chip/card-access.js';
import { adjustDesParity } from '../../../../domain/chip/kdf.js';
import { mrzInformation, type MrzKeyFields } from '../../../../domain/chip/mrz-key.js';
import { performPace, type PacePassword } from '../../../../domain/chip/pace.js';
import { PaceError } from '../../../../domain/chip/pace-messages.js';
import { SecureMessaging } from '../../../../domain/chip/secure-messaging.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { repoRoot } from '../../../support/kiosk-process.js';
import { hexOfBytes } from '../../../support/hex.js';

/**
 * PACE against the card side of the chip emulator (../shared/peers/chip-emulator/pace_card.py):
 * an implementation written independently of this terminal, driven APDU by APDU through
 * tests/support/pace-card-bridge.py, with real randomness on both sides. Every standardized
 * curve and every cipher; the session keys must be the card's own.
 */
const EMULATOR = join(repoRoot(), '..', 'shared', 'peers', 'chip-emulator');
const PYTHON = '/usr/bin/python3';

function unavailable(): string | null {
  if (!existsSync(join(EMULATOR, 'pace_card.py'))) return `the chip emulator is not at ${EMULATOR}`;
  if (spawnSync(PYTHON, ['-c', 'import Cryptodome'], { stdio: 'ignore' }).status !== 0) {
    return `${PYTHON} cannot import Cryptodome (apt-get install python3-pycryptodome)`;
  }
  return null;
}

type Reply = { cardAccess?: string; response?: string; keys?: { cipher: string; kEnc: string; kMac: string; parameterId: number } | null; error?: string };

class EmulatedPaceCard {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private stderr = '';

  constructor() {
    this.child = spawn(PYTHON, [join(repoRoot(), 'tests', 'support', 'pace-card-bridge.py'), EMULATOR]);
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as Reply));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A bridge that dies answers every pending request with its last words instead of hanging the test.
    this.child.on('exit', (code) => {
      for (const resolve of this.waiting.splice(0)) resolve({ error: `bridge exited (${code}): ${this.stderr.trim()}` });
    });
  }

  async request(body: object): Promise<Reply> {
    const reply = new Promise<Reply>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${JSON.stringify(body)}\n`);
    const answer = await reply;
    if (answer.error !== undefined) throw new Error(`emulated card: ${answer.error}`);
    return answer;
  }

  readonly transmit = async (command: Uint8Array): Promise<Uint8Array> => {
    const { response } = await this.request({ op: 'apdu', hex: Buffer.from(command).toString('hex') });
    return Uint8Array.from(Buffer.from(response ?? '', 'hex'));
  };

  close(): void {
    this.child.stdin.end();
  }
}

const MRZ: MrzKeyFields = { documentNumber: '012345678', dateOfBirth: '900101', dateOfExpiry: '350101' };
const CAN = '000225';
const hex = hexOfBytes;

const reason = unavailable();

// A generous timeout: the card's Python curve arithmetic on a busy machine, not a benchmark.
describe.skipIf(reason !== null)(`PACE against the chip emulator's card${reason === null ? '' : ` (skipped: ${reason})`}`, { timeout: 60_000 }, () => {
  let card: EmulatedPaceCard;
  beforeAll(() => {
    card = new EmulatedPaceCard();
  });
  afterAll(() => card.close());

  /** A fresh card offering `configs`; PACE with `password`; the terminal's keys beside the card's. */
  async function run(configs: [string, number][], password: PacePassword, parameterId?: number) {
    const { cardAccess } = await card.request({ op: 'card', configs, mrz: mrzInformation(MRZ), can: CAN });
    const access = parseCardAccess(Buffer.from(cardAccess ?? '', 'hex'));
    const offer = parameterId === undefined ? undefined : access.offers.find((candidate) => candidate.parameterId === parameterId);
    const result = await performPace({
      transmit: card.transmit,
      crypto: nodeChipCrypto,
      cardAccess: access,
      password,
      ...(offer === undefined ? {} : { offer }),
    });
    const { keys } = await card.request({ op: 'keys' });
    return { result, keys };
  }

  it.each([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])('agrees on the session keys on curve %i (AES-128, MRZ)', async (parameterId) => {
    const { result, keys } = await run([['aes128', parameterId]], { kind: 'MRZ', mrz: MRZ });
    expect(keys).not.toBeNull();
    expect(keys?.parameterId).toBe(parameterId);
    expect(hex(result.keys.kEnc)).toBe(keys?.kEnc);
    expect(hex(result.keys.kMac)).toBe(keys?.kMac);
    expect(result.offer.parameterId).toBe(parameterId);
  });

  it.each([
    ['3des', '3DES', 13],
    ['aes192', 'AES-192', 15],
    ['aes256', 'AES-256', 17],
    ['aes256', 'AES-256', 18],
  ] as const)('agrees with the card on %s (%s) on curve %i (CAN), and the keys open secure messaging', async (emulatorCipher, cipher, parameterId) => {
    const { result, keys } = await run([[emulatorCipher, parameterId]], { kind: 'CAN', can: CAN });
    expect(result.keys.cipher).toBe(cipher);
    expect(keys?.cipher).toBe(emulatorCipher);
    // The emulator leaves DES parity bits as the hash gave them; DES ignores them, the KDF here sets them.
    const asDesKey = (key: string | undefined) => hex(cipher === '3DES' ? adjustDesParity(Buffer.from(key ?? '', 'hex')) : Buffer.from(key ?? '', 'hex'));
    expect(hex(result.keys.kEnc)).toBe(asDesKey(keys?.kEnc));
    expect(hex(result.keys.kMac)).toBe(asDesKey(keys?.kMac));
    expect(new SecureMessaging(result.keys, nodeChipCrypto).usable).toBe(true);
  });

  it('names the chosen parameters (DO 84) when the card offers two, and the card follows', async () => {
    const { result, keys } = await run(
      [
        ['aes128', 13],
        ['aes128', 12],
      ],
      { kind: 'MRZ', mrz: MRZ },
      12,
    );
    expect(keys?.parameterId).toBe(12);
    expect(hex(result.keys.kMac)).toBe(keys?.kMac);
  });

  it('gets pace.wrong-password for a wrong CAN, and the card holds no session', async () => {
    const error: unknown = await run([['aes128', 13]], { kind: 'CAN', can: '999999' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PaceError);
    expect((error as PaceError).code).toBe('pace.wrong-password');
    expect((error as PaceError).sw).toBe(0x6300);
    expect((await card.request({ op: 'keys' })).keys).toBeNull();
  });
});
