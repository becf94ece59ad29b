/**
 * ISO/IEC 9797-1 padding method 2, the padding of every ICAO 9303 cryptogram and MAC input:
 * one 0x80 byte, then zeros up to the next whole block. The 0x80 is always added, so data
 * that already fills whole blocks gains a full block.
 */
export class PaddingError extends Error {
  override readonly name = 'PaddingError';
}

export function padIso9797(data: Uint8Array, blockSize: number): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`block size ${blockSize}`);
  const out = new Uint8Array((Math.floor(data.length / blockSize) + 1) * blockSize);
  out.set(data, 0);
  out[data.length] = 0x80;
  return out;
}

/** The data before the padding; PaddingError when the bytes do not end in 0x80 and zeros. */
export function unpadIso9797(data: Uint8Array): Uint8Array {
  let end = data.length - 1;
  while (end >= 0 && data[end] === 0x00) end--;
  if (end < 0 || data[end] !== 0x80) throw new PaddingError('no ISO/IEC 9797-1 method 2 padding');
  return data.subarray(0, end);
}
