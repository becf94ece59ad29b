import { decodeOid, DER, derChildren, readDerElement } from './der.js';

/** Short names of the attribute types a CSCA or document signer name uses (RFC 4514 §3, X.520). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

const TEXT_TAGS: ReadonlySet<number> = new Set([DER.UTF8_STRING, DER.PRINTABLE_STRING, 0x16 /* IA5String */, 0x14 /* TeletexString */]);

/**
 * A certificate name (its DER, as x509.ts keeps it) as "C=VN, O=…, CN=…", in the order it is
 * encoded, for a person to recognise which signer vouched for a card. Not for comparing names:
 * passive authentication compares the DER bytes. Throws DerError / TlvError when malformed.
 */
export function distinguishedNameText(der: Uint8Array): string {
  const parts: string[] = [];
  for (const rdn of derChildren(readDerElement(der, 'name'), DER.SEQUENCE, 'name')) {
    for (const attribute of derChildren(rdn, DER.SET, 'relative distinguished name')) {
      const [type, value] = derChildren(attribute, DER.SEQUENCE, 'name attribute');
      if (type === undefined || value === undefined) continue;
      const oid = decodeOid(type.value);
      parts.push(`${SHORT_NAMES[oid] ?? oid}=${attributeText(value.tag, value.value)}`);
    }
  }
  return parts.join(', ');
}

function attributeText(tag: number, value: Uint8Array): string {
  if (TEXT_TAGS.has(tag)) return new TextDecoder('utf-8', { fatal: false }).decode(value);
  // BMPString: UTF-16 big-endian.
  if (tag === 0x1e) {
    let text = '';
    for (let i = 0; i + 1 < value.length; i += 2) text += String.fromCharCode(((value[i] ?? 0) << 8) | (value[i + 1] ?? 0));
    return text;
  }
  return `#${Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
