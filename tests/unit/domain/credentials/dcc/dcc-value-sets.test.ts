import { describe, expect, it } from 'vitest';
import {
  COVID_19,
  DISEASE_AGENT_TARGETED,
  inValueSet,
  RENAMED_PRODUCT_CODES,
  TEST_RESULT,
  TEST_TYPE,
  VACCINE_MEDICINAL_PRODUCT,
} from '../../../../../domain/credentials/dcc/dcc-value-sets.js';
import { VACCINE_PRODUCTS } from '../../../../../domain/facts/vaccine-products.js';

describe('the EU DCC value sets', () => {
  it('know COVID-19 as the one disease', () => {
    expect(Object.keys(DISEASE_AGENT_TARGETED.values)).toEqual([COVID_19]);
  });

  it('hold every vaccine Chốt recognises under its canonical code (a typo there would make its certificates count for nothing)', () => {
    const missing = VACCINE_PRODUCTS.filter((product) => !inValueSet(VACCINE_MEDICINAL_PRODUCT, product.code)).map((product) => product.code);
    expect(missing).toEqual([]);
  });

  it('rename only deprecated codes, to current ones of the same set', () => {
    for (const [from, to] of Object.entries(RENAMED_PRODUCT_CODES)) {
      expect(VACCINE_MEDICINAL_PRODUCT.values[from]?.active).toBe(false);
      expect(VACCINE_MEDICINAL_PRODUCT.values[to]?.active).toBeUndefined();
    }
  });

  it('give a kind to every test type and a result to every test result', () => {
    expect(Object.keys(TEST_TYPE.kinds).sort()).toEqual(Object.keys(TEST_TYPE.values).sort());
    expect(Object.keys(TEST_RESULT.results).sort()).toEqual(Object.keys(TEST_RESULT.values).sort());
  });

  it.each([
    ['NOT-A-VACCINE', false],
    ['toString', false],
    ['__proto__', false],
    ['', false],
    [42, false],
    ['EU/1/20/1528', true],
  ])('membership of %j is %s', (code, member) => {
    expect(inValueSet(VACCINE_MEDICINAL_PRODUCT, code)).toBe(member);
  });
});
