import { findTlv, readTlv, requireTlv } from '../tlv.js';
import { dataGroupOfTag, EF_COM_TAG } from './data-groups.js';
import { LdsError, parsingFile } from './lds-error.js';

/** EF.COM (ICAO 9303-10 §4.6.1): which LDS and Unicode versions the chip follows and which data groups it holds. */
export interface EfCom {
  /** "1.7" from the four digits "0107" of tag 5F01. */
  readonly ldsVersion: string;
  /** "4.0.0" from the six digits "040000" of tag 5F36. */
  readonly unicodeVersion: string;
  /** The data groups present, in the order the tag list gives them. */
  readonly dataGroups: readonly number[];
  /** Bytes of the tag list that name no data group: kept, not an error (a later LDS may add files). */
  readonly unknownTags: readonly number[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  return parsingFile('EF.COM', () => {
    const outer = readTlv(bytes);
    if (outer.tag !== EF_COM_TAG) throw new LdsError('EF.COM', `starts with tag ${outer.tag.toString(16)}, not 60`);
    const ldsVersion = digits(requireTlv(outer.value, 0x5f01, 'EF.COM LDS version').value, 4, 'LDS version');
    const unicode = findTlv(outer.value, 0x5f36);
    const unicodeVersion = unicode === undefined ? '' : digits(unicode.value, 6, 'Unicode version');
    const dataGroups: number[] = [];
    const unknownTags: number[] = [];
    for (const tag of requireTlv(outer.value, 0x5c, 'EF.COM tag list').value) {
      const group = dataGroupOfTag(tag);
      if (group === undefined) unknownTags.push(tag);
      else if (!dataGroups.includes(group)) dataGroups.push(group);
    }
    return {
      ldsVersion: dotted(ldsVersion),
      unicodeVersion: unicodeVersion === '' ? '' : dotted(unicodeVersion),
      dataGroups,
      unknownTags,
    };
  });
}

function digits(value: Uint8Array, count: number, what: string): string {
  const text = String.fromCharCode(...value);
  if (!new RegExp(`^[0-9]{${count}}$`).test(text)) throw new LdsError('EF.COM', `${what} is not ${count} digits`);
  return text;
}

/** "0107" → "1.7", "040000" → "4.0.0": pairs of digits, leading zeros dropped. */
function dotted(pairs: string): string {
  return (pairs.match(/../g) ?? []).map((pair) => String(Number(pair))).join('.');
}
