import { describe, expect, it } from 'vitest';
import { idShown, shownIdentifier, shownLoggedIdentifier } from '../../../../domain/verdict/shown-identifier.js';

describe('the number a verdict names, labelled by its kind', () => {
  it.each([
    ['a CCCD QR', 'cccd-qr', { id12: '056089001234', oldId9: '225123456' }, 'CCCD ••••1234'],
    ['a chip ID card', 'chip', { id12: '056089001234' }, 'CCCD ••••1234'],
    ['a status pass', 'pass', { id12: '056089001234' }, 'CCCD ••••1234'],
    ['a health-insurance card: its BHXH number, not "CCCD"', 'bhyt-qr', { bhytNumber: 'GD4797931774309', bhxh: '7931774309' }, 'BHYT ••••4309'],
    ['a typed 12-digit number: not a card', 'manual', { id12: '056089001234' }, 'Số định danh / ID no. ••••1234'],
    ['a typed old 9-digit number', 'manual', { oldId9: '225123456' }, 'Số CMND / Old ID no. ••••3456'],
  ] as const)('%s', (_label, kind, identifiers, shown) => {
    const id = shownIdentifier(kind, identifiers);
    expect(idShown(id === undefined ? undefined : { idTail: id.tail, idLabel: id.label })).toBe(shown);
  });

  it('a credential without a person number names none', () => {
    expect(shownIdentifier('dcc', {})).toBeUndefined();
  });

  it('a number the entry log kept is told apart by its length', () => {
    expect(shownLoggedIdentifier('cccd-qr', '056089001234')).toEqual({ label: 'CCCD', tail: '1234' });
    expect(shownLoggedIdentifier('bhyt-qr', '7931774309')).toEqual({ label: 'BHYT', tail: '4309' });
    expect(shownLoggedIdentifier('manual', '225123456')).toEqual({ label: 'Số CMND / Old ID no.', tail: '3456' });
  });
});
