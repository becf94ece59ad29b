import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transmit } from '../../../../domain/chip/apdu.js';
import { ChipReadError } from '../../../../domain/chip/read-chip-errors.js';
import { readChip, type ReadChipOptions } from '../../../../domain/chip/read-chip.js';
import { dataGroupFid, EF_CARD_ACCESS, EF_COM, EF_SOD } from '../../../../domain/chip/file-reader.js';
import type { SessionKeys } from '../../../../domain/chip/secure-messaging.js';
import { parseCertificate, type Certificate } from '../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { encodeTlv } from '../../../../domain/chip/tlv.js';
import { FileCard, fixedRandomCrypto, ScriptedCard } from '../../../support/chip-card.js';
import { CardSecureMessaging } from '../../../support/chip-card-sm.js';
import {
  certificateDer,
  chipSamplesUnavailable,
  emulatorDg2,
  generateSod,
  makeVnSample,
  temporaryDirectory,
  type VnSample,
} from '../../../support/chip-samples.js';
import { bytesOfHex as hex } from '../../../support/hex.js';

/**
 * The whole reading flow over cards that check every byte: the handshake is a published
 * transcript played by a ScriptedCard (ICAO 9303-11 Appendix G.1 for PACE, Appendix D.3 for
 * BAC; the same values are in gmrtd's pace/pace_test.go and bac/bac_test.go), and the files
 * come from a FileCard that runs secure messaging with the session keys the transcript
 * yields, holding the card emulator's Vietnamese sample and an EF.SOD signed by its gen_sod.py.
 */

// ICAO 9303-11 Appendix G.1 (PACE ECDH GM, brainpoolP256r1, AES-128, MRZ T22000129 / 640812 / 101031).
const G1_CARD_ACCESS = '31143012060A04007F0007020204020202010202010D';
const G1_MRZ = { documentNumber: 'T22000129', dateOfBirth: '640812', dateOfExpiry: '101031' };
const G1_MAPPING_PRIVATE = '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99';
const G1_EPHEMERAL_PRIVATE = 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595';
const G1_SCRIPT: readonly (readonly [string, string])[] = [
  ['0022C1A40F800A04007F00070202040202830101', '9000'],
  ['10860000027C0000', '7C12801095A3A016522EE98D01E76CB6B98B42C39000'],
  [
    '10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00',
    '7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C549000',
  ],
  [
    '10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200',
    '7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F0949000',
  ],
  ['008600000C7C0A8508C2B0BD78D94BA86600', '7C0A86083ABB9674BCE93C089000'],
];
const G1_SESSION: SessionKeys = {
  cipher: 'AES-128',
  kEnc: hex('F5F0E35C0D7161EE6724EE513A0D9A7F'),
  kMac: hex('FE251C7858B356B24514B3BD5F4297D1'),
  ssc: new Uint8Array(16),
};

// ICAO 9303-11 Appendix D.3 (BAC with MRZ L898902C< / 690806 / 940623).
const D3_MRZ = { documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' };
const D3_RND_IC = '4608F91988702212';
const D3_RANDOM = [hex('781723860C06C226'), hex('0B795240CB7049B01C19B33E32804F0B')];
const D3_SCRIPT: readonly (readonly [string, string])[] = [
  ['0084000008', `${D3_RND_IC}9000`],
  [
    '0082000028' + '72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2' + '5F1448EEA8AD90A7' + '28',
    '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F' + '2F2D235D074D7449' + '9000',
  ],
];
const D3_SESSION: SessionKeys = {
  cipher: '3DES',
  kEnc: hex('979EC13B1CBFE9DCD01AB0FED307EAE5'),
  kMac: hex('F1CB1F1FB5ADF208806B89DC579DC1F8'),
  ssc: hex('887022120C06C226'),
};

/** EF.COM listing DG1 and DG13, LDS 1.7, Unicode 4.0.0. */
const EF_COM_BYTES = hex('6014' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C02' + '616D');

/**
 * One card from three parts, routed by what each command is: plain SELECT / READ BINARY (the
 * master file, EF.CardAccess) to a FileCard without a session, the handshake to the script,
 * and protected commands (CLA with the secure-messaging bits) to a FileCard with the session keys.
 */
class TestCard {
  readonly files: FileCard;
  readonly handshake: ScriptedCard;
  private readonly plain: FileCard;

  constructor(options: {
    script: readonly (readonly [string, string])[];
    session: SessionKeys;
    files: ReadonlyMap<number, Uint8Array>;
    cardAccess?: Uint8Array;
    deniedFids?: ReadonlySet<number>;
  }) {
    this.handshake = new ScriptedCard(options.script);
    this.plain = new FileCard({ files: new Map(), masterFiles: new Map(options.cardAccess === undefined ? [] : [[EF_CARD_ACCESS, options.cardAccess]]) });
    this.files = new FileCard({
      files: options.files,
      secureMessaging: new CardSecureMessaging(options.session, nodeChipCrypto),
      ...(options.deniedFids === undefined ? {} : { deniedFids: options.deniedFids }),
    });
  }

  readonly transmit: Transmit = (command) => {
    const [cla = 0, ins = 0] = command;
    if ((cla & 0x0c) === 0x0c) return this.files.transmit(command);
    if (ins === 0xa4 || ins === 0xb0 || ins === 0xb1) return this.plain.transmit(command);
    return this.handshake.transmit(command);
  };
}

/** A clock that advances 10 ms each time it is read: each timed step then lasts exactly 10 ms. */
function steppingClock(): () => number {
  let now = 0;
  return () => (now += 10);
}

const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(`reading a chip end to end${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  let sample: VnSample;
  let sod: Uint8Array;
  let csca: Certificate;
  afterAll(() => work.remove());
  beforeAll(() => {
    sample = makeVnSample(work.dir);
    sod = generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 13: sample.dg13 }, 'prime256v1');
    csca = parseCertificate(certificateDer(join(work.dir, 'pki', 'csca.pem')));
  });

  const cardFiles = (dg13 = sample.dg13): Map<number, Uint8Array> =>
    new Map([
      [EF_COM, EF_COM_BYTES],
      [dataGroupFid(1), sample.dg1],
      [dataGroupFid(13), dg13],
      [EF_SOD, sod],
    ]);

  const options = (card: TestCard, overrides: Partial<ReadChipOptions>): ReadChipOptions => ({
    transmit: card.transmit,
    crypto: nodeChipCrypto,
    verifier: nodeChipSignatureVerifier,
    trustedCscas: [csca],
    scanTime: Date.now(),
    clock: steppingClock(),
    key: {},
    ...overrides,
  });

  it('PACE offered (G.1) and an MRZ key: PACE with the MRZ, then EF.COM, DG1, DG13 and EF.SOD, chip-verified, with the signer and timings', async () => {
    const card = new TestCard({ script: G1_SCRIPT, session: G1_SESSION, files: cardFiles(), cardAccess: hex(G1_CARD_ACCESS) });
    const crypto = fixedRandomCrypto(nodeChipCrypto, hex(G1_MAPPING_PRIVATE), hex(G1_EPHEMERAL_PRIVATE));
    const result = await readChip(options(card, { crypto, key: { mrzCandidates: [G1_MRZ] } }));
    expect(card.handshake.finished).toBe(true);
    expect(result.access).toBe('pace-mrz');
    expect(result.paceOffer).toMatchObject({ parameterId: 13, cipher: 'AES-128' });
    expect(result.passive).toMatchObject({ outcome: 'chip-verified', checkedDataGroups: [1, 13], reason: { code: 'chip.pa.verified' } });
    expect(result.active).toBeUndefined();
    expect(result.dataGroups).toEqual([1, 13]);
    expect(result.mrz.vietnameseId12).toBe('001095000225');
    expect(result.dg13?.id12).toBe('001095000225');
    expect(result.photo).toBeUndefined();
    // The issuer is the CSCA's subject, as node's own X.509 parser writes it (one attribute a line).
    const cscaSubject = new X509Certificate(readFileSync(join(work.dir, 'pki', 'csca.pem'))).subject.split('\n').join(', ');
    expect(result.documentSigner?.issuer).toBe(cscaSubject);
    expect(result.documentSigner?.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(result.timings).toEqual([
      { step: 'handshake', ms: 10 },
      { step: 'EF.COM', ms: 10, bytes: EF_COM_BYTES.length },
      { step: 'DG1', ms: 10, bytes: sample.dg1.length },
      { step: 'DG13', ms: 10, bytes: sample.dg13.length },
      { step: 'EF.SOD', ms: 10, bytes: sod.length },
    ]);
  });

  it('PACE refused by the card (MSE:Set AT 6A80): BAC with the MRZ keys, trying each candidate expiry in turn', async () => {
    const wrongExpiry = { ...D3_MRZ, dateOfExpiry: '890623' };
    const card = new TestCard({
      script: [['0022C1A40F800A04007F00070202040202830101', '6A80'], ['0084000008', `${D3_RND_IC}9000`], ['*', '6300'], ...D3_SCRIPT],
      session: D3_SESSION,
      files: cardFiles(),
      cardAccess: hex(G1_CARD_ACCESS),
    });
    // The refused candidate draws its own randomness before the card says no.
    const crypto = fixedRandomCrypto(nodeChipCrypto, new Uint8Array(8), new Uint8Array(16), ...D3_RANDOM);
    const result = await readChip(options(card, { crypto, key: { mrzCandidates: [wrongExpiry, D3_MRZ] } }));
    expect(card.handshake.finished).toBe(true);
    expect(result.access).toBe('bac');
    expect(result.paceOffer).toBeUndefined();
    expect(result.passive.outcome).toBe('chip-verified');
  });

  it('a BAC-only chip (no EF.CardAccess) with only a CAN: chip.needs-mrz, before any handshake', async () => {
    const card = new TestCard({ script: [], session: D3_SESSION, files: cardFiles() });
    const error = await readChip(options(card, { key: { can: '000225' } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChipReadError);
    expect(error).toMatchObject({ code: 'chip.needs-mrz', reason: { vi: expect.stringContaining('MRZ') } });
    expect(card.handshake.sent).toEqual([]);
  });

  it('a wrong CAN: the card answers 6300 at PACE step 4 → chip.wrong-key, and no file is read', async () => {
    const card = new TestCard({
      // The card's side of G.1 up to step 3; its step 4 says the password does not match (6300).
      script: [...G1_SCRIPT.slice(0, 4).map(([, response]) => ['*', response] as const), ['*', '6300']],
      session: G1_SESSION,
      files: cardFiles(),
      cardAccess: hex(G1_CARD_ACCESS),
    });
    const crypto = fixedRandomCrypto(nodeChipCrypto, hex(G1_MAPPING_PRIVATE), hex(G1_EPHEMERAL_PRIVATE));
    const error = await readChip(options(card, { crypto, key: { can: '123456' } })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ChipReadError', code: 'chip.wrong-key', reason: { code: 'chip.wrong-key' } });
    expect(card.handshake.finished).toBe(true);
    expect(card.files.reads).toEqual([]);
  });

  it('every BAC candidate refused: chip.wrong-key, no file read', async () => {
    const card = new TestCard({
      script: [
        ['0084000008', `${D3_RND_IC}9000`],
        ['*', '6300'],
        ['0084000008', `${D3_RND_IC}9000`],
        ['*', '6300'],
      ],
      session: D3_SESSION,
      files: cardFiles(),
    });
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM, ...D3_RANDOM);
    const candidates = [D3_MRZ, { ...D3_MRZ, dateOfExpiry: '<<<<<<' }];
    const error = await readChip(options(card, { crypto, key: { mrzCandidates: candidates } })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'chip.wrong-key', detail: 'BAC: the chip refused all 2 MRZ keys' });
    expect(card.files.reads).toEqual([]);
  });

  it('the card refuses a file mid-read (DG13: 6982): chip.read-failed naming the file and the status', async () => {
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles(), deniedFids: new Set([dataGroupFid(13)]) });
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const error = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] } })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'chip.read-failed', reason: { en: 'Reading the chip failed part way' } });
    expect((error as ChipReadError).detail).toContain('6982');
  });

  it('a response whose MAC does not verify (a faulty reader, or someone in between): chip.read-failed, the session ended', async () => {
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles() });
    card.files.spoilNextResponseMac();
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const error = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] } })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'chip.read-failed' });
    expect((error as ChipReadError).cause).toMatchObject({ name: 'SecureMessagingError' });
  });

  it("the reader's own failure mid-read (the card taken out) comes through as it is, for the driver's fault to be shown", async () => {
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles() });
    const removed = new Error('the card was removed from the reader');
    let protectedCommands = 0;
    const transmit: Transmit = (command) => ((command[0] ?? 0) & 0x0c && ++protectedCommands > 3 ? Promise.reject(removed) : card.transmit(command));
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const error = await readChip(options(card, { transmit, crypto, key: { mrzCandidates: [D3_MRZ] } })).catch((caught: unknown) => caught);
    expect(error).toBe(removed);
  });

  it('a DG13 rewritten after signing: chip-altered naming DG13, the data still shown for staff to compare', async () => {
    const rewritten = Uint8Array.from(sample.dg13);
    const at = Buffer.from(rewritten).indexOf('10/08/1995', 0, 'latin1');
    rewritten[at + 9] = '6'.charCodeAt(0);
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles(rewritten) });
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const result = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] } }));
    expect(result.passive).toMatchObject({ outcome: 'chip-altered', dataGroup: 13, reason: { code: 'chip.pa.dg-hash-mismatch' } });
    expect(result.passive.reason.en).toContain('DG13');
  });

  it('no trusted CSCA: chip-integrity-only', async () => {
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles() });
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const result = await readChip(options(card, { crypto, trustedCscas: [], key: { mrzCandidates: [D3_MRZ] } }));
    expect(result.passive).toMatchObject({ outcome: 'chip-integrity-only', reason: { code: 'chip.pa.csca-unknown' } });
  });
  it('DG2 only when asked, with progress in bytes up to the whole file', async () => {
    const dg2 = emulatorDg2(120, 160);
    if (typeof dg2 === 'string') return expect.soft(dg2, 'the emulator cannot build a DG2 here').toBe('');
    const signed = generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 2: dg2, 13: sample.dg13 });
    const files = cardFiles();
    files.set(dataGroupFid(2), dg2);
    files.set(EF_SOD, signed);
    files.set(EF_COM, hex('6015' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C03' + '61756D'));
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files });
    const progress: { read: number; total: number }[] = [];
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const result = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] }, readPhoto: true, onPhotoProgress: (step) => progress.push(step) }));
    expect(result.dataGroups).toEqual([1, 2, 13]);
    expect(result.passive).toMatchObject({ outcome: 'chip-verified', checkedDataGroups: [1, 2, 13] });
    expect(result.photo?.format).toBe('jpeg');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toEqual({ read: dg2.length, total: dg2.length });
    expect(progress.every((step, i) => i === 0 || step.read > (progress[i - 1]?.read ?? 0))).toBe(true);
  });

  it('the photo asked of a chip whose EF.COM lists no DG2: the rest is read, no photo', async () => {
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files: cardFiles() });
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    const result = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] }, readPhoto: true }));
    expect(result.dataGroups).toEqual([1, 13]);
    expect(result.photo).toBeUndefined();
    expect(result.passive.outcome).toBe('chip-verified');
  });

  it('the whole read’s progress: handshake, data bytes over every file, the photo against its size, then checking', async () => {
    const dg2 = emulatorDg2(120, 160);
    if (typeof dg2 === 'string') return expect.soft(dg2, 'the emulator cannot build a DG2 here').toBe('');
    const files = cardFiles();
    files.set(dataGroupFid(2), dg2);
    files.set(EF_SOD, generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 2: dg2, 13: sample.dg13 }));
    const com = hex('6015' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C03' + '61756D');
    files.set(EF_COM, com);
    const card = new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files });
    const steps: { step: string; bytesRead: number; bytesExpected?: number }[] = [];
    const photo: number[] = [];
    const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
    await readChip(
      options(card, {
        crypto,
        key: { mrzCandidates: [D3_MRZ] },
        readPhoto: true,
        onPhotoProgress: (progress) => photo.push(progress.read),
        onProgress: (progress) => steps.push(progress),
      }),
    );
    const dataTotal = com.length + sample.dg1.length + sample.dg13.length + (files.get(EF_SOD)?.length ?? 0);
    expect(steps[0]).toEqual({ step: 'handshake', bytesRead: 0 });
    expect(steps.at(-1)).toEqual({ step: 'checking', bytesRead: dataTotal });
    const photoSteps = steps.filter((step) => step.step === 'photo');
    expect(photoSteps.at(-1)).toEqual({ step: 'photo', bytesRead: dg2.length, bytesExpected: dg2.length });
    expect(photoSteps.map((step) => step.bytesRead)).toEqual(photo);
    const data = steps.filter((step) => step.step === 'data').map((step) => step.bytesRead);
    expect(data.at(-1)).toBe(dataTotal);
    expect(data.every((read, i) => i === 0 || read > (data[i - 1] ?? 0))).toBe(true);
    // In reading order: EF.COM and DG1, the photo, then DG13 and EF.SOD.
    expect([...new Set(steps.map((step) => step.step))]).toEqual(['handshake', 'data', 'photo', 'checking']);
    const lastData = steps.length - 1 - [...steps].reverse().findIndex((step) => step.step === 'data');
    expect(steps.findIndex((step) => step.step === 'photo')).toBeLessThan(lastData);
  });

  describe('active authentication when EF.COM lists DG15', () => {
    const spki = new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }));
    const dg15 = encodeTlv(0x6f, spki);
    const comWithDg15 = hex('6015' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C03' + '616D6F');

    function cardWith(dg15OnCard: Uint8Array): TestCard {
      const files = cardFiles();
      files.set(EF_COM, comWithDg15);
      files.set(dataGroupFid(15), dg15OnCard);
      files.set(EF_SOD, generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 13: sample.dg13, 15: dg15 }));
      return new TestCard({ script: D3_SCRIPT, session: D3_SESSION, files });
    }

    it('runs INTERNAL AUTHENTICATE after passive authentication vouched for DG15; a chip that refuses it may be a copy', async () => {
      const card = cardWith(dg15);
      const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM, hex('0102030405060708'));
      const result = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] } }));
      expect(result.dataGroups).toEqual([1, 13, 15]);
      expect(result.passive.outcome).toBe('chip-verified');
      // The FileCard has no private key: it answers INTERNAL AUTHENTICATE with 6D00.
      expect(result.active).toMatchObject({ outcome: 'chip-not-genuine', reason: { code: 'chip.aa.no-answer' } });
      expect(result.timings.map((timing) => timing.step)).toContain('active-authentication');
    });

    it('skips it when DG15 itself is not what was signed: an altered key proves nothing', async () => {
      const altered = Uint8Array.from(dg15);
      altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 0x01;
      const card = cardWith(altered);
      const crypto = fixedRandomCrypto(nodeChipCrypto, ...D3_RANDOM);
      const result = await readChip(options(card, { crypto, key: { mrzCandidates: [D3_MRZ] } }));
      expect(result.passive).toMatchObject({ outcome: 'chip-altered', dataGroup: 15 });
      expect(result.active).toBeUndefined();
    });
  });
});
