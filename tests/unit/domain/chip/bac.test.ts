import { describe, expect, it } from 'vitest';
import { nodeChipCrypto } from '../../../../drivers/chip/node-chip-crypto.js';
import { BacError, bacKeys, performBac } from '../../../../domain/chip/bac.js';
import { retailMac } from '../../../../domain/chip/mac.js';
import { bacKeySeed, MrzKeyError, mrzCheckDigit, mrzInformation, vietnameseDocumentNumber } from '../../../../domain/chip/mrz-key.js';
import { fixedRandomCrypto, ScriptedCard } from '../../../support/chip-card.js';
import { bytesOfHex, hexOfBytes } from '../../../support/hex.js';

const hex = bytesOfHex;
const toHex = (bytes: Uint8Array): string => hexOfBytes(bytes).toUpperCase();

// ICAO 9303-11 Appendix D (worked example of BAC and secure messaging); the same values are in
// gmrtd's bac/bac_test.go.
const ICAO_MRZ = { documentNumber: 'L898902C', dateOfBirth: '690806', dateOfExpiry: '940623' };
const RND_IC = '4608F91988702212';
const RND_IFD = '781723860C06C226';
const K_IFD = '0B795240CB7049B01C19B33E32804F0B';
const EXTERNAL_AUTHENTICATE = '0082000028' + '72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2' + '5F1448EEA8AD90A7' + '28';
const CARD_ANSWER = '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F' + '2F2D235D074D7449';

const icaoCrypto = () => fixedRandomCrypto(nodeChipCrypto, hex(RND_IFD), hex(K_IFD));

describe('MRZ check digit and BAC key seed', () => {
  it('7-3-1 check digits (ICAO 9303-3 examples and Appendix D.2)', () => {
    expect(mrzCheckDigit('L898902C<')).toBe('3');
    expect(mrzCheckDigit('690806')).toBe('1');
    expect(mrzCheckDigit('940623')).toBe('6');
    expect(mrzCheckDigit('AB2134<<<')).toBe('5');
    expect(() => mrzCheckDigit('ab')).toThrow(MrzKeyError);
  });

  it('Appendix D.2: MRZ information and K_seed, the document number padded with <', () => {
    expect(mrzInformation(ICAO_MRZ)).toBe('L898902C<369080619406236');
    expect(toHex(bacKeySeed(ICAO_MRZ, nodeChipCrypto))).toBe('239AB9CB282DAF66231DC5A4DF6BFBAE');
    const keys = bacKeys(ICAO_MRZ, nodeChipCrypto);
    expect(toHex(keys.kEnc)).toBe('AB94FDECF2674FDFB9B391F85D7F76F2');
    expect(toHex(keys.kMac)).toBe('7962D9ECE03D1ACD4C76089DCE131543');
  });

  it('refuses dates that are not YYMMDD and document numbers outside the MRZ alphabet', () => {
    expect(() => mrzInformation({ ...ICAO_MRZ, dateOfBirth: '6908O6' })).toThrow(MrzKeyError);
    expect(() => mrzInformation({ ...ICAO_MRZ, dateOfExpiry: '94062' })).toThrow(MrzKeyError);
    expect(() => mrzInformation({ ...ICAO_MRZ, documentNumber: 'L89-8902' })).toThrow(MrzKeyError);
    expect(() => mrzInformation({ ...ICAO_MRZ, documentNumber: '' })).toThrow(MrzKeyError);
  });

  it("unknown parts of a birth date and an absent expiry are '<' in the MRZ and count as 0 in check digits", () => {
    expect(mrzInformation({ documentNumber: '099012345', dateOfBirth: '55<<<<', dateOfExpiry: '<<<<<<' })).toBe(
      '099012345' + '9' + '55<<<<' + '0' + '<<<<<<' + '0',
    );
  });

  it('Vietnamese CCCD: the document number is the last 9 digits of the 12-digit ID', () => {
    expect(vietnameseDocumentNumber('001099012345')).toBe('099012345');
    expect(mrzInformation({ documentNumber: vietnameseDocumentNumber('001099012345'), dateOfBirth: '990101', dateOfExpiry: '390101' })).toBe(
      '099012345' + mrzCheckDigit('099012345') + '990101' + mrzCheckDigit('990101') + '390101' + mrzCheckDigit('390101'),
    );
    expect(() => vietnameseDocumentNumber('09901234')).toThrow(MrzKeyError);
    expect(() => vietnameseDocumentNumber('00109901234A')).toThrow(MrzKeyError);
  });
});

describe('BAC mutual authentication (ICAO 9303-11 Appendix D.3)', () => {
  it('sends GET CHALLENGE and EXTERNAL AUTHENTICATE byte for byte and derives the session keys and SSC', async () => {
    const card = new ScriptedCard([
      ['0084000008', RND_IC + '9000'],
      [EXTERNAL_AUTHENTICATE, CARD_ANSWER + '9000'],
    ]);
    const session = await performBac(card.transmit, bacKeys(ICAO_MRZ, nodeChipCrypto), icaoCrypto());
    expect(card.finished).toBe(true);
    expect(session.cipher).toBe('3DES');
    expect(toHex(session.kEnc)).toBe('979EC13B1CBFE9DCD01AB0FED307EAE5');
    expect(toHex(session.kMac)).toBe('F1CB1F1FB5ADF208806B89DC579DC1F8');
    expect(toHex(session.ssc)).toBe('887022120C06C226');
  });

  async function failure(answer: string, challenge = RND_IC): Promise<BacError> {
    const card = new ScriptedCard([
      ['0084000008', challenge + '9000'],
      [challenge === RND_IC ? EXTERNAL_AUTHENTICATE : externalAuthenticateFor(challenge), answer],
    ]);
    const error = await performBac(card.transmit, bacKeys(ICAO_MRZ, nodeChipCrypto), icaoCrypto()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BacError);
    return error as BacError;
  }

  it('a wrong MRZ: the card refuses with 6300, a typed error carrying the SW', async () => {
    const error = await failure('6300');
    expect(error.reason).toBe('refused');
    expect(error.sw).toBe(0x6300);
  });

  it('a wrong M.IC is a typed error, not a crash', async () => {
    const error = await failure(CARD_ANSWER.slice(0, -2) + '48' + '9000');
    expect(error.reason).toBe('bad-mac');
  });

  it('an answer of the wrong length is malformed', async () => {
    expect((await failure(CARD_ANSWER.slice(0, -2) + '9000')).reason).toBe('malformed');
  });

  it('an answer to another challenge (RND.IC mismatch) is refused even with a valid MAC', async () => {
    // The card's genuine D.3 answer replayed against a session whose challenge was different.
    const otherChallenge = '4608F91988702213';
    expect((await failure(CARD_ANSWER + '9000', otherChallenge)).reason).toBe('nonce-mismatch');
  });

  it('GET CHALLENGE refused: a ChipError with the SW', async () => {
    const card = new ScriptedCard([['0084000008', '6D00']]);
    await expect(performBac(card.transmit, bacKeys(ICAO_MRZ, nodeChipCrypto), icaoCrypto())).rejects.toMatchObject({ name: 'ChipError', sw: 0x6d00 });
  });
});

/** EXTERNAL AUTHENTICATE the terminal sends for the ICAO keys and randomness but another RND.IC. */
function externalAuthenticateFor(challenge: string): string {
  const keys = bacKeys(ICAO_MRZ, nodeChipCrypto);
  const s = hex(RND_IFD + challenge + K_IFD);
  const eIfd = nodeChipCrypto.tripleDesCbc('encrypt', keys.kEnc, new Uint8Array(8), s);
  return '0082000028' + toHex(eIfd) + toHex(retailMac(keys.kMac, eIfd, nodeChipCrypto)) + '28';
}
