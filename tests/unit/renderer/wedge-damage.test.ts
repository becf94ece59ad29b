import { describe, expect, it } from 'vitest';
import { parseCccdQr as parseCccdQrAt } from '../../../domain/credentials/cccd-qr.js';
import type { CccdQrCredential } from '../../../domain/credentials/credential.js';
import { detectWedgeDamage } from '../../../renderer/wedge/wedge-damage.js';
import { CARDS, DAMAGES, qrText, tcvn3AsCp1252, telexKeys, utf8AsCodepage, vniKeys } from './wedge-damage-samples.js';

// The evaluation clock the cards are read at (the parser refuses what is after it).
const NOW = Date.parse('2021-10-20T08:00:00+07:00');
const parseCccdQr = (text: string) => parseCccdQrAt(text, NOW);

const damagedSamples = CARDS.flatMap((card) => DAMAGES.map((damage) => ({ label: `${card.label}, ${damage.label}`, card, text: damage.apply(qrText(card)) })));

describe('the simulated damage looks like what kiosks see', () => {
  it.each([
    [telexKeys('Nguyễn Văn An'), 'Nguyeenx Vawn An'],
    [telexKeys('Nữ'), 'Nuwx'],
    [telexKeys('Đặng Thu Trường'), 'DDawngj Thu Truwowngf'],
    [vniKeys('Nguyễn'), 'Nguye64n'],
    [tcvn3AsCp1252('Nguyễn Văn An'), 'NguyÔn V¨n An'],
    [tcvn3AsCp1252('Nữ'), 'N÷'],
    [utf8AsCodepage('Nguyễn', 'windows-1252'), 'Nguyá»…n'],
    [utf8AsCodepage('Nữ', 'windows-1252'), 'Ná»¯'],
  ])('%s', (damaged, expected) => {
    expect(damaged).toBe(expected);
  });
});

describe('detectWedgeDamage', () => {
  it.each(CARDS.map((card) => [card.label, qrText(card)]))('an intact CCCD QR (%s) is not damaged', (_label, text) => {
    expect(detectWedgeDamage(text)).toEqual({ damaged: false, signs: [], fields: [] });
  });

  it.each(damagedSamples.map((s) => [s.label, s]))('%s: damaged, in the name', (_label, sample) => {
    const damage = detectWedgeDamage(sample.text);
    expect(damage.damaged).toBe(true);
    expect(damage.fields).toContain('name');
    if (sample.card.sex === 'Nữ') expect(damage.fields).toContain('sex');
  });

  it.each([
    [
      'a DCC',
      'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*Y9KTK0.J+6FF5OC.8FOU*E03.P1DZ2EFRAB8/42Y9JWOS6IM9RZ:SH-U+C+0C94P7Z/T%7W/P8*37.:2UB2HYU7VLO',
    ],
    ['a URL', 'https://example.invalid/pass?id=12345&lang=vi'],
    ['a BHYT-like code', 'HS4010123456789|Nguyễn Văn An|15/03/1989|1|'],
    ['a minority name with one trailing s f r x j', '066090001234||Ksor Y Phic|01011990|Nam|Buôn Ma Thuột|01012021'],
    ['an all-caps name', '056089001234||NGUYỄN VĂN AN|15031989|Nam|x|10072021'],
  ])('%s is not damaged', (_label, text) => {
    expect(detectWedgeDamage(text).damaged).toBe(false);
  });

  it('names its signs', () => {
    expect(detectWedgeDamage('x\ufffdy').signs).toEqual(['replacement-char']);
    expect(detectWedgeDamage(utf8AsCodepage('Trường', 'windows-1252')).signs).toContain('utf8-as-codepage');
    expect(detectWedgeDamage(tcvn3AsCp1252('Nguyễn Văn')).signs).toEqual(['tcvn3-as-codepage']);
    expect(detectWedgeDamage(`056089001234||${telexKeys('Nguyễn Văn An')}|15031989|Nam|x|10072021`).signs).toEqual(['telex-keys']);
    expect(detectWedgeDamage(`056089001234||${vniKeys('Nguyễn Văn An')}|15031989|Nam|x|10072021`).signs).toEqual(['vni-keys']);
  });
});

describe('parseCccdQr keeps deciding from the digits of a damaged wedge scan', () => {
  it.each(damagedSamples.map((s) => [s.label, s]))('%s', (_label, sample) => {
    const result = parseCccdQr(sample.text);
    expect(result.kind, JSON.stringify(result)).toBe('cccd-qr');
    const credential = result as CccdQrCredential;
    expect(credential.identifiers.id12).toBe(sample.card.id12);
    const [dd, mm, yyyy] = [sample.card.birth.slice(0, 2), sample.card.birth.slice(2, 4), sample.card.birth.slice(4)];
    expect(credential.subject.birthDate).toBe(`${yyyy}-${mm}-${dd}`);
    expect(credential.subject.sex).toBe(sample.card.sex);
    const codes = credential.problems.map((p) => p.code);
    expect(codes).toContain('cccd.name-damaged');
    expect(codes.includes('cccd.sex-damaged')).toBe(sample.card.sex === 'Nữ');
    expect(credential.problems.every((p) => p.message.vi.length > 0 && p.message.en.length > 0)).toBe(true);
  });

  it.each(CARDS.map((card) => [card.label, card]))('an intact card (%s) has no problems', (_label, card) => {
    expect((parseCccdQr(qrText(card)) as CccdQrCredential).problems).toEqual([]);
  });

  it('a damaged "Nữ" on a male ID is still refused by the ID digit', () => {
    expect(parseCccdQr('056089001234||Nguyeenx Vawn An|15031989|Nuwx|x|10072021')).toMatchObject({ kind: 'error', code: 'cccd.century-sex-digit' });
  });

  it('a sex that is not damage stays refused, and so does a control character in a clean name', () => {
    for (const sex of ['Male', 'nam', 'NAM', 'NỮ', 'Female']) {
      expect(parseCccdQr(`079195004321||Trần Thị Bình|02091995|${sex}|x|01012022`)).toMatchObject({ kind: 'error', code: 'cccd.sex' });
    }
    expect(parseCccdQr('056089001234||An\u0007|15031989|Nam|x|10072021')).toMatchObject({ kind: 'error', code: 'cccd.name-format' });
  });
});
