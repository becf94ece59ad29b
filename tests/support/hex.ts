/** Bytes from hex as the specifications print it (spaces and line breaks allowed). */
export function bytesOfHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Bytes as lower-case hex, for comparing against a vector. */
export function hexOfBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
