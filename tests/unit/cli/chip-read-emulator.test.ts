import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChipReaderDriver } from '../../../drivers/chip/chip-reader.js';
import { NodePcscBinding } from '../../../drivers/chip/node-pcsc-binding.js';
import { ChipEmulator, chipEmulatorUnavailable, PrivatePcscd, VIRTUAL_READERS } from '../../support/chip-emulator.js';
import { generateSod, makeVnSample, temporaryDirectory } from '../../support/chip-samples.js';
import { runChotAsync, type ChotRun } from '../../support/run-chot.js';

/**
 * `chot chip read`, the built command, over the real PC/SC stack: a pcscd of this file's own,
 * vsmartcard's virtual reader and the ICAO 9303 card emulator (../shared/peers/chip-emulator),
 * whose sample is a fictitious Vietnamese CCCD: ID 001095000225, so CAN 000225 and the MRZ key
 * 095000225 / 950810 / 350810. Each case puts a card made with the emulator's options in the
 * reader, runs the command as a person would, and checks what it printed and its exit code.
 */
const unavailable = chipEmulatorUnavailable();
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

const CAN = '000225';
const MRZ = '001095000225,950810,350810';

describe('chot chip read: usage', () => {
  it.each([
    [['chip', 'read'], 'give --can or --mrz'],
    [['chip', 'read', '--can', '12345'], '--can must be the 6 digits'],
    [['chip', 'read', '--mrz', '095000225,1995-08-10,350810'], '--mrz must be DOCUMENT,YYMMDD,YYMMDD'],
    [['chip', 'read', '--can', CAN, '--csca', '/nonexistent/csca.pem'], '--csca /nonexistent/csca.pem'],
    [['chip', 'write'], 'unknown subcommand "write"'],
  ])('%j: exit 2, saying what is wrong', async (args, message) => {
    const run = await runChotAsync(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe.runIf(unavailable !== undefined && inCi)('chot chip read over the real PC/SC stack: set-up', () => {
  it('has what it needs in CI', () => {
    throw new Error(`the chip card emulator cannot run in CI: ${unavailable ?? ''}`);
  });
});

describe.skipIf(unavailable !== undefined)(
  `chot chip read over the real PC/SC stack${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { timeout: 90_000 },
  () => {
    let pcscd: PrivatePcscd;
    let emulator: ChipEmulator | undefined;
    const work = temporaryDirectory();
    const readers = new ChipReaderDriver(new NodePcscBinding());

    beforeAll(async () => {
      pcscd = await PrivatePcscd.start();
    }, 60_000);

    // The next card must find the reader empty, as pcscd sees it: else a command could reach the card just taken out.
    afterEach(async () => {
      await emulator?.dispose();
      emulator = undefined;
      await expect.poll(async () => (await readers.list()).find((reader) => reader.name === VIRTUAL_READERS[0])?.hasCard, { timeout: 15_000 }).toBe(false);
    });

    afterAll(async () => {
      await emulator?.dispose();
      await pcscd?.dispose();
      work.remove();
    });

    async function insertCard(args: readonly string[] = []): Promise<ChipEmulator> {
      emulator = await ChipEmulator.start(pcscd, { args });
      return emulator;
    }

    async function read(args: readonly string[]): Promise<ChotRun> {
      return runChotAsync(['chip', 'read', '--reader', VIRTUAL_READERS[0], '--wait', '20', ...args], 60_000);
    }

    function json(run: ChotRun): Record<string, unknown> {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    }

    it('the default card with its CAN: PACE (brainpoolP256r1, AES-128), chip-verified under the emulator’s CSCA; the photo written owner-only', async () => {
      const card = await insertCard();
      const photo = join(work.dir, 'face.jpg');
      const result = json(await read(['--can', CAN, '--csca', card.cscaPath, '--photo', photo, '--json']));
      expect(result).toMatchObject({
        access: 'pace-can',
        paceOffer: { parameterId: 13, cipher: 'AES-128', curve: 'brainpoolP256r1' },
        passive: { outcome: 'chip-verified', reason: { code: 'chip.pa.verified' } },
        mrz: { documentNumber: '095000225', birthDate: '950810', vietnameseId12: '001095000225' },
        dg13: { id12: '001095000225', fullName: 'Nguyễn Văn A' },
        photo: { format: 'jpeg', file: photo },
      });
      expect(result.dataGroups).toEqual([1, 2, 13]);
      expect(result.documentSigner).toMatchObject({ issuer: expect.stringMatching(/=/), serialNumber: expect.stringMatching(/^[0-9a-f]+$/) });
      const steps = (result.timings as { step: string }[]).map((timing) => timing.step);
      expect(steps).toEqual(['handshake', 'EF.COM', 'DG1', 'DG2', 'DG13', 'EF.SOD']);
      expect(statSync(photo).mode & 0o777).toBe(0o600);
    });

    it('the text output: the outcome in Vietnamese with English beside it', async () => {
      const card = await insertCard();
      const run = await read(['--can', CAN, '--csca', card.cscaPath]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Truy cập · Access: PACE với số CAN · PACE with the CAN');
      expect(run.stdout).toContain('chip-verified — Chip hợp lệ: dữ liệu do cơ quan cấp thẻ ký · Chip verified: the data is signed by the issuing authority');
    });

    it('a card without PACE (--no-pace) and the MRZ key: BAC', async () => {
      const card = await insertCard(['--no-pace']);
      expect(json(await read(['--mrz', MRZ, '--csca', card.cscaPath, '--json']))).toMatchObject({ access: 'bac', passive: { outcome: 'chip-verified' } });
    });

    it('a card that refuses BAC (--pace-only) and the MRZ key: PACE with the MRZ, trying a wrong expiry first', async () => {
      const card = await insertCard(['--pace-only']);
      const result = json(await read(['--mrz', '001095000225,950810,300810', '--mrz', MRZ, '--csca', card.cscaPath, '--json']));
      expect(result).toMatchObject({ access: 'pace-mrz', passive: { outcome: 'chip-verified' } });
    });

    it('PACE on NIST P-256 (--pace-param 12)', async () => {
      const card = await insertCard(['--pace-param', '12']);
      const result = json(await read(['--can', CAN, '--csca', card.cscaPath, '--json']));
      expect(result).toMatchObject({ access: 'pace-can', paceOffer: { parameterId: 12, curve: 'secp256r1' }, passive: { outcome: 'chip-verified' } });
    });

    it('PACE with 3DES secure messaging (--pace-cipher 3des)', async () => {
      const card = await insertCard(['--pace-cipher', '3des']);
      const result = json(await read(['--can', CAN, '--csca', card.cscaPath, '--json']));
      expect(result).toMatchObject({ access: 'pace-can', paceOffer: { cipher: '3DES' }, passive: { outcome: 'chip-verified' } });
    });

    it('a wrong CAN: exit 1 with chip.wrong-key, in Vietnamese and English, and nothing read printed', async () => {
      const card = await insertCard();
      const run = await read(['--can', '123456', '--csca', card.cscaPath, '--json']);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Sai số CAN hoặc thông tin MRZ');
      expect(run.stderr).toContain('Wrong CAN or MRZ details');
      expect(run.stderr).toContain('chip.wrong-key');
      expect(run.stderr).not.toContain('000225');
    });

    it.each([
      ['BAC (a card without PACE)', ['--no-pace']],
      ['PACE with the MRZ (a card that refuses BAC)', ['--pace-only']],
    ])('a wrong MRZ key, %s: exit 1 with chip.wrong-key and nothing read printed', async (_path, cardArgs) => {
      const card = await insertCard(cardArgs);
      // The right ID and birth date, a wrong expiry: the chip refuses the key (6300), nothing is read.
      const run = await read(['--mrz', '001095000225,950810,300810', '--csca', card.cscaPath, '--json']);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('chip.wrong-key');
      expect(run.stderr).toContain('Wrong CAN or MRZ details');
      expect(run.stderr).not.toContain('095000225');
    });

    it('a DG13 altered after signing (gen_sod.py, then --sod and another --dg 13): chip-altered naming DG13', async () => {
      const sample = makeVnSample(work.dir);
      const sod = join(work.dir, 'signed-sod.bin');
      writeFileSync(sod, generateSod(join(work.dir, 'pki-altered'), { 1: sample.dg1, 13: sample.dg13 }));
      const altered = Buffer.from(sample.dg13);
      const at = altered.indexOf('10/08/1995', 0, 'latin1');
      altered[at + 9] = '6'.charCodeAt(0);
      const alteredFile = join(work.dir, 'dg13-altered.bin');
      writeFileSync(alteredFile, altered);
      await insertCard(['--sod', sod, '--dg', `13=${alteredFile}`]);
      const result = json(await read(['--can', CAN, '--csca', join(work.dir, 'pki-altered', 'csca.pem'), '--json']));
      expect(result).toMatchObject({ passive: { outcome: 'chip-altered', dataGroup: 13, reason: { code: 'chip.pa.dg-hash-mismatch' } } });
      expect((result.passive as { reason: { en: string } }).reason.en).toContain('DG13');
    });

    it('another CSCA than the one that signed: chip-integrity-only', async () => {
      generateSod(join(work.dir, 'pki-other'), { 1: new Uint8Array([0x61, 0x00]) });
      await insertCard();
      const result = json(await read(['--can', CAN, '--csca', join(work.dir, 'pki-other', 'csca.pem'), '--json']));
      expect(result).toMatchObject({ passive: { outcome: 'chip-integrity-only', reason: { code: 'chip.pa.csca-unknown' } } });
    });

    it('a document signer on brainpoolP512r1 (the curve of the public Vietnamese ePassport CSCA): chip-verified', async () => {
      const card = await insertCard(['--pki-key', 'brainpoolP512r1']);
      expect(json(await read(['--can', CAN, '--csca', card.cscaPath, '--json']))).toMatchObject({ passive: { outcome: 'chip-verified' } });
    });

    it('a photo past 32 767 bytes: read on with READ BINARY B1, whole and verified', async () => {
      const card = await insertCard(['--photo', 'synthetic:640x800:30']);
      const photo = join(work.dir, 'large-face.jpg');
      const result = json(await read(['--can', CAN, '--csca', card.cscaPath, '--photo', photo, '--json']));
      const dg2 = (result.timings as { step: string; bytes?: number }[]).find((timing) => timing.step === 'DG2');
      expect(dg2?.bytes).toBeGreaterThan(0x7fff);
      expect(result).toMatchObject({ passive: { outcome: 'chip-verified', checkedDataGroups: [1, 2, 13] }, photo: { format: 'jpeg' } });
      expect(readFileSync(photo).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    });

    it('no card in the reader: exit 1 after --wait, saying so', async () => {
      const run = await runChotAsync(['chip', 'read', '--reader', VIRTUAL_READERS[0], '--wait', '1', '--can', CAN]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('no card in reader "Virtual PCD 00 00" within 1 s');
    });
  },
);
