import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bestOfMs, withinBound } from '../../../../support/timing.js';
import { PASS_PREFIX } from '../../../../../domain/credentials/pass/pass-codec.js';
import { parsePass } from '../../../../../domain/credentials/pass/parse-pass.js';
import { decodeBase45, encodeBase45 } from '../../../../../domain/encoding/base45.js';
import { hubSigningKeyFrom } from '../../../../../hub/keys/hub-signing-key.js';
import { issuePass } from '../../../../../hub/passes/pass-issuer.js';
import { hubKeyStoreFromKeys } from '../../../../../main/trust/hub-key-store.js';

const key = hubSigningKeyFrom(generateKeyPairSync('ed25519').privateKey);
const context = { now: Date.parse('2021-10-20T00:00:00Z'), hubKeys: hubKeyStoreFromKeys([Buffer.from(key.publicKeyRaw).toString('base64')]) };
const valid = issuePass(key, {
  id12: '001089000001',
  facts: { doses: [{ dose: 2, date: '2021-09-01', product: 'EU/1/20/1528' }], tests: [], quarantine: [{ status: 'F1', from: '2021-09-01' }] },
  now: context.now,
  validForHours: 24,
});
const validBytes = decodeBase45(valid.slice(PASS_PREFIX.length)) as Uint8Array;
const BOUND_MS = 20;

/** Parses within the bound (best of three, so a GC pause is not a failure) and checks the answer is well formed. */
function checked(text: string): void {
  const result = withinBound(
    () => parsePass(text, context),
    BOUND_MS,
    () => `pass of length ${text.length}`,
  );
  expect(result.kind === 'pass' || (result.kind === 'error' && result.code.startsWith('pass.') && result.message.vi !== '' && result.message.en !== '')).toBe(
    true,
  );
}

describe('status pass parser under fuzzing (100 000 inputs each)', () => {
  it('random text after the prefix never throws and answers within the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (tail) => checked(PASS_PREFIX + tail)),
      { numRuns: 100_000 },
    );
  });

  it('mutated valid passes (bytes flipped, cut, extended) never throw and are never trusted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(validBytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -20, max: 20 }),
        (flips, lengthChange) => {
          const bytes = Uint8Array.from(validBytes);
          for (const [at, mask] of flips) bytes[at] = (bytes[at] as number) ^ mask;
          const resized = lengthChange < 0 ? bytes.subarray(0, bytes.length + lengthChange) : Uint8Array.from([...bytes, ...new Array(lengthChange).fill(7)]);
          // Two flips of one byte by the same mask cancel out: that is the valid pass itself, not a mutation.
          fc.pre(resized.length !== validBytes.length || resized.some((byte, index) => byte !== validBytes[index]));
          const text = PASS_PREFIX + encodeBase45(resized);
          const result = withinBound(
            () => parsePass(text, context),
            BOUND_MS,
            () => 'a mutated pass',
          );
          expect(result.kind === 'pass' && result.authenticity === 'signed-valid').toBe(false);
        },
      ),
      { numRuns: 100_000 },
    );
  });

  it('a 1 MB input is rejected in under 5 ms', () => {
    const huge = PASS_PREFIX + 'A'.repeat(1024 * 1024);
    checked(huge);
    expect(bestOfMs(() => parsePass(huge, context))).toBeLessThan(5);
  });
});
