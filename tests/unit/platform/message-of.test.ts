import { describe, expect, it } from 'vitest';
import { messageOf } from '../../../platform/message-of.js';

describe('messageOf', () => {
  it('an Error gives its message, without the class name or the stack', () => {
    expect(messageOf(new TypeError('bad port'))).toBe('bad port');
  });

  it('anything else thrown gives its string form', () => {
    expect(messageOf('ECONNRESET')).toBe('ECONNRESET');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
    expect(messageOf({ toString: () => 'a library object' })).toBe('a library object');
  });
});
