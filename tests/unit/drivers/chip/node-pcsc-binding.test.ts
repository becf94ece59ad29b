import { describe, expect, it } from 'vitest';
import { classifyContextError, classifySmartcardError } from '../../../../drivers/chip/node-pcsc-binding.js';
import { PcscError } from '../../../../drivers/chip/pcsc-binding.js';

/**
 * The smartcard addon reports PC/SC failures as plain Errors carrying pcsc-lite's code in
 * words (its src/pcsc_errors.h); the driver acts on kinds. The messages below are the ones
 * the addon was seen to give against pcscd and the chip card emulator (drivers/README.md).
 */
describe('classifySmartcardError', () => {
  it.each([
    ['PC/SC service not running', 'no-service'],
    ['Communication error', 'no-service'],
    ['PC/SC service stopped', 'no-service'],
    ['Invalid handle', 'no-service'],
    ['Card was removed', 'card-removed'],
    ['Card was reset', 'card-removed'],
    ['No smart card present', 'no-card'],
    ['Sharing violation', 'sharing-violation'],
    ['Reader unavailable', 'reader-unavailable'],
    ['Unknown reader', 'reader-unavailable'],
    // SCARD_E_NOT_TRANSACTED: what pcscd answered when the emulated card vanished mid-command.
    ['Transaction failed', 'failed'],
    ['Card is unresponsive', 'failed'],
  ])('%s → %s', (message, kind) => {
    const error = classifySmartcardError(new Error(message));
    expect(error).toBeInstanceOf(PcscError);
    expect(error).toMatchObject({ kind, message });
  });

  it('keeps an error already classified, and words a thrown non-Error', () => {
    const classified = new PcscError('no-card', 'x');
    expect(classifySmartcardError(classified)).toBe(classified);
    expect(classifySmartcardError('boom')).toMatchObject({ kind: 'failed', message: 'boom' });
  });
});

describe('classifyContextError', () => {
  it('an unnamed code when establishing a context is pcscd refusing this user (SCARD_W_SECURITY_VIOLATION): access-denied', () => {
    const cause = new Error('Unknown PC/SC error');
    const error = classifyContextError(cause);
    expect(error).toMatchObject({ kind: 'access-denied', message: expect.stringContaining('org.debian.pcsc-lite.access_pcsc') });
    expect(error.cause).toBe(cause);
  });

  it('every other error is classified as any other call’s', () => {
    expect(classifyContextError(new Error('PC/SC service not running'))).toMatchObject({ kind: 'no-service' });
    expect(classifyContextError(new Error('Communication error'))).toMatchObject({ kind: 'no-service' });
    expect(classifyContextError(new Error('Internal error'))).toMatchObject({ kind: 'failed' });
  });
});
