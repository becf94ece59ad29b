/**
 * The data groups of the eMRTD application (ICAO 9303-10 §4.6, table of LDS tags): the tag
 * each file starts with. EF.COM lists the present data groups by these tags; EF.SOD hashes
 * them by number.
 */
export const EF_COM_TAG = 0x60;
export const EF_SOD_TAG = 0x77;

const DATA_GROUP_TAGS: readonly number[] = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70];

/** The tag DG`number` (1–16) starts with. */
export function tagOfDataGroup(number: number): number {
  const tag = DATA_GROUP_TAGS[number - 1];
  if (tag === undefined || !Number.isInteger(number)) throw new RangeError(`there is no data group ${number}`);
  return tag;
}

/** The data group (1–16) whose file starts with `tag`, or undefined. */
export function dataGroupOfTag(tag: number): number | undefined {
  const index = DATA_GROUP_TAGS.indexOf(tag);
  return index < 0 ? undefined : index + 1;
}
