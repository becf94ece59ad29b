import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataGroupFid, EF_COM, EF_SOD, ChipReader } from '../../../../domain/chip/file-reader.js';
import { parseVietnameseDg13 } from '../../../../domain/chip/lds/dg13-vietnam.js';
import { parseEfCom } from '../../../../domain/chip/lds/ef-com.js';
import { parseDg1 } from '../../../../domain/chip/lds/mrz.js';
import { passiveAuthenticate } from '../../../../domain/chip/passive-auth.js';
import { SecureMessaging, type SessionKeys } from '../../../../domain/chip/secure-messaging.js';
import { parseCertificate, type Certificate } from '../../../../domain/chip/x509.js';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { nodeChipSignatureVerifier } from '../../../../drivers/chip/node-signature-verifier.js';
import { FileCard } from '../../../support/chip-card.js';
import { CardSecureMessaging } from '../../../support/chip-card-sm.js';
import { certificateDer, chipSamplesUnavailable, generateSod, makeVnSample, temporaryDirectory, type VnSample } from '../../../support/chip-samples.js';

/**
 * The domain's whole path for a Vietnamese card, short of PC/SC: read EF.COM, the data groups
 * it lists and EF.SOD through AES secure messaging (as after PACE), parse them, and
 * authenticate them, with the card emulator's own files and EF.SOD.
 */
const unavailable = chipSamplesUnavailable();
describe.skipIf(unavailable !== null)(`reading and authenticating a card${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  const work = temporaryDirectory();
  let sample: VnSample;
  let sod: Uint8Array;
  let csca: Certificate;
  afterAll(() => work.remove());
  beforeAll(() => {
    sample = makeVnSample(work.dir);
    sod = generateSod(join(work.dir, 'pki'), { 1: sample.dg1, 13: sample.dg13 }, 'brainpoolP256r1');
    csca = parseCertificate(certificateDer(join(work.dir, 'pki', 'csca.pem')));
  });

  const efCom = Uint8Array.from(Buffer.from('6014' + '5F0104' + '30313037' + '5F3606' + '303430303030' + '5C02' + '616D', 'hex'));
  const keys: SessionKeys = { cipher: 'AES-128', kEnc: new Uint8Array(16).fill(0x11), kMac: new Uint8Array(16).fill(0x22), ssc: new Uint8Array(16) };

  async function readCard(dg13OnCard: Uint8Array) {
    const card = new FileCard({
      files: new Map([
        [EF_COM, efCom],
        [dataGroupFid(1), sample.dg1],
        [dataGroupFid(13), dg13OnCard],
        [EF_SOD, sod],
      ]),
      secureMessaging: new CardSecureMessaging(keys, nodeChipCrypto),
    });
    const reader = new ChipReader(card.transmit, { secureMessaging: new SecureMessaging(keys, nodeChipCrypto) });
    await reader.selectApplication();
    const com = parseEfCom(await reader.readFile(EF_COM));
    const dataGroups = new Map<number, Uint8Array>();
    for (const group of com.dataGroups) dataGroups.set(group, await reader.readFile(dataGroupFid(group)));
    const result = passiveAuthenticate(
      { sod: await reader.readFile(EF_SOD), dataGroups, trustedCscas: [csca], now: Date.now() },
      { crypto: nodeChipCrypto, verifier: nodeChipSignatureVerifier },
    );
    return { com, dataGroups, result };
  }

  it('reads EF.COM, DG1, DG13 and EF.SOD, and the chip is verified: the 12-digit ID agrees in DG1 and DG13', async () => {
    const { com, dataGroups, result } = await readCard(sample.dg13);
    expect(com.dataGroups).toEqual([1, 13]);
    expect(result).toMatchObject({ outcome: 'chip-verified', checkedDataGroups: [1, 13] });
    const mrz = parseDg1(dataGroups.get(1) as Uint8Array);
    const dg13 = parseVietnameseDg13(dataGroups.get(13) as Uint8Array);
    expect(mrz.vietnameseId12).toBe('001095000225');
    expect(dg13.id12).toBe(mrz.vietnameseId12);
    expect(dg13.fullName).toBe('Nguyễn Văn A');
  });

  it('finds a card whose DG13 was rewritten after signing altered, naming DG13', async () => {
    const rewritten = Uint8Array.from(sample.dg13);
    const at = Buffer.from(rewritten).indexOf('10/08/1995', 0, 'latin1');
    rewritten[at + 9] = '6'.charCodeAt(0); // born a year later
    const { dataGroups, result } = await readCard(rewritten);
    expect(parseVietnameseDg13(dataGroups.get(13) as Uint8Array).birthDate).toBe('10/08/1996');
    expect(result).toMatchObject({ outcome: 'chip-altered', dataGroup: 13, reason: { code: 'chip.pa.dg-hash-mismatch' } });
  });
});
