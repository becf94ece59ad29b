import { describe, expect, it } from 'vitest';
import { certificateTypes, checkValidity, holdsAllowedEntries, keyUsageAllows } from '../../../../../domain/credentials/dcc/dcc-checks.js';
import { parseIsoInstant } from '../../../../../domain/time/iso-instant.js';

const TEST = '1.3.6.1.4.1.1847.2021.1.1';
const VACC = '1.3.6.1.4.1.1847.2021.1.2';
const RECO = '1.3.6.1.4.1.1847.2021.1.3';
const TEST_VARIANT = '1.3.6.1.4.1.0.1847.2021.1.1';
const VACC_VARIANT = '1.3.6.1.4.1.0.1847.2021.1.2';
const RECO_VARIANT = '1.3.6.1.4.1.0.1847.2021.1.3';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

describe('extended key usage against the certificate type', () => {
  it.each([
    [[], 'v', true, 'no EKU at all: any type'],
    [[SERVER_AUTH], 't', true, 'only non-DCC OIDs: any type'],
    [[VACC], 'v', true, 'vaccination signer, vaccination'],
    [[VACC], 't', false, 'vaccination signer, test'],
    [[VACC], 'r', false, 'vaccination signer, recovery'],
    [[TEST], 't', true, 'test signer, test'],
    [[TEST], 'v', false, 'test signer, vaccination'],
    [[RECO], 'r', true, 'recovery signer, recovery'],
    [[RECO], 't', false, 'recovery signer, test'],
    [[TEST, VACC, RECO], 'r', true, 'all three'],
    [[TEST, RECO, SERVER_AUTH], 'v', false, 'two DCC OIDs, not this one'],
    [[VACC_VARIANT], 'v', true, 'variant arc, vaccination'],
    [[VACC_VARIANT], 't', false, 'variant arc, wrong type'],
    [[TEST_VARIANT], 't', true, 'variant arc, test'],
    [[RECO_VARIANT], 'r', true, 'variant arc, recovery'],
    [[RECO_VARIANT, VACC], 'v', true, 'mixed arcs'],
    [['1.3.6.1.4.1.1847.2021.1.4'], 'v', true, 'an unknown sibling OID is not a DCC type'],
  ] as const)('%j signing %s → %s (%s)', (eku, type, allowed, _why) => {
    expect(keyUsageAllows(eku, [type])).toBe(allowed);
  });

  it('needs every type in the certificate to be allowed', () => {
    expect(keyUsageAllows([VACC], ['v', 't'])).toBe(false);
    expect(keyUsageAllows([VACC, TEST], ['v', 't'])).toBe(true);
  });

  it('finds the types a certificate holds', () => {
    expect(certificateTypes({ v: [{}], t: null })).toEqual(['v']);
    expect(certificateTypes({ r: [], t: [{}] })).toEqual(['t', 'r']);
    expect(certificateTypes('nonsense')).toEqual([]);
  });

  it('wants exactly one type, with as many entries as the schema version allows', () => {
    expect(holdsAllowedEntries({ ver: '1.3.0', v: [{}] })).toBe(true);
    expect(holdsAllowedEntries({ ver: '1.3.0', v: [{}, {}] })).toBe(false);
    expect(holdsAllowedEntries({ ver: '1.3.3', t: [{}, {}] })).toBe(false);
    // Before 1.3.0 the schema has no maxItems: several entries of one type are allowed.
    expect(holdsAllowedEntries({ ver: '1.0.0', v: [{}, {}] })).toBe(true);
    expect(holdsAllowedEntries({ ver: '1.2.1', r: [{}, {}, {}] })).toBe(true);
    // Never several types, in any version; never none; never an empty or non-array group.
    expect(holdsAllowedEntries({ ver: '1.0.0', v: [{}], t: [{}] })).toBe(false);
    expect(holdsAllowedEntries({ ver: '1.3.0', v: [{}], t: [{}] })).toBe(false);
    expect(holdsAllowedEntries({ ver: '1.0.0' })).toBe(false);
    expect(holdsAllowedEntries({ ver: '1.0.0', v: [] })).toBe(false);
    expect(holdsAllowedEntries({ ver: '1.0.0', r: {} })).toBe(false);
    // Without a readable version: one entry.
    expect(holdsAllowedEntries({ v: [{}, {}] })).toBe(false);
    expect(holdsAllowedEntries({ ver: 'one', v: [{}, {}] })).toBe(false);
    expect(holdsAllowedEntries({ v: [{}] })).toBe(true);
  });
});

describe('validity period: notBefore ≤ iat ≤ clock ≤ exp ≤ notAfter, inclusive', () => {
  const s = (iso: string): number => (parseIsoInstant(iso) as number) / 1000;
  const ms = (iso: string): number => parseIsoInstant(iso) as number;
  const claims = { issuedAt: s('2021-05-01T00:00:00Z'), expiresAt: s('2021-06-01T00:00:00Z') };
  const signer = { notBefore: ms('2021-04-01T00:00:00Z'), notAfter: ms('2022-04-01T00:00:00Z') };

  it.each([
    ['2021-05-15T00:00:00Z', 'valid', 'inside'],
    ['2021-05-01T00:00:00Z', 'valid', 'clock = iat'],
    ['2021-06-01T00:00:00Z', 'valid', 'clock = exp'],
    ['2021-04-30T23:59:59.999Z', 'not-yet-valid', '1 ms before iat'],
    ['2021-06-01T00:00:00.001Z', 'expired', '1 ms after exp'],
  ] as const)('clock %s → %s (%s)', (clock, outcome, _why) => {
    expect(checkValidity(claims, ms(clock), signer)).toBe(outcome);
  });

  it.each([
    [{ notBefore: ms('2021-05-01T00:00:00Z'), notAfter: ms('2021-06-01T00:00:00Z') }, 'valid', 'signer validity = [iat, exp]'],
    [{ notBefore: ms('2021-05-01T00:00:01Z'), notAfter: signer.notAfter }, 'outside-certificate', 'signer starts after iat'],
    [{ notBefore: signer.notBefore, notAfter: ms('2021-05-31T23:59:59Z') }, 'outside-certificate', 'signer ends before exp'],
  ] as const)('signer %j → %s (%s)', (certificate, outcome, _why) => {
    expect(checkValidity(claims, ms('2021-05-15T00:00:00Z'), certificate)).toBe(outcome);
  });

  it('without a signer says only what the claims contradict', () => {
    expect(checkValidity(claims, ms('2021-05-15T00:00:00Z'), undefined)).toBe('unknown');
    expect(checkValidity(claims, ms('2021-07-01T00:00:00Z'), undefined)).toBe('expired');
  });

  it('needs both iat and exp', () => {
    expect(checkValidity({ issuedAt: claims.issuedAt }, ms('2021-05-15T00:00:00Z'), signer)).toBe('no-claims');
    expect(checkValidity({ expiresAt: claims.expiresAt }, ms('2021-05-15T00:00:00Z'), signer)).toBe('no-claims');
  });
});

describe('ISO instants (validation clocks, test sample times)', () => {
  it.each([
    ['2021-05-03T18:00:00Z', '2021-05-03T18:00:00.000Z'],
    ['2021-05-30T13:38:49.798329', '2021-05-30T13:38:49.798Z'], // no zone: UTC, not local time
    ['2021-06-08T20:17:27.9906293Z', '2021-06-08T20:17:27.990Z'],
    ['2021-06-01T20:00:00+02:00', '2021-06-01T18:00:00.000Z'],
    ['2021-05-17T12:57:21.108+01:00', '2021-05-17T11:57:21.108Z'],
    ['2021-05-17T12:57:21-0330', '2021-05-17T16:27:21.000Z'],
    ['2021-05-17 12:57', '2021-05-17T12:57:00.000Z'],
    ['2021-05-17', '2021-05-17T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(new Date(parseIsoInstant(text) as number).toISOString()).toBe(iso);
  });

  it.each(['', '2021-02-30T00:00:00Z', '2021-05-17T24:00:00Z', '2021-05-17T12:00:00+25:00', 'yesterday', '1620064800'])('rejects %j', (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });
});
