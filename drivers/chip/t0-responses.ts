/**
 * ISO/IEC 7816-3 T=0 leaves two answers to the terminal that T=1 never gives, and pcsc-lite
 * passes them through: `61 XX` (XX more bytes are waiting: fetch them with GET RESPONSE) and
 * `6C XX` (wrong Le: send the same command again with Le = XX). This turns them into the one
 * response a T=1 reader would have given, so the ICAO 9303 code never sees the difference.
 */

/** GET RESPONSE rounds before giving up: 64 × 256 bytes is far more than any eMRTD answer. */
const MAX_GET_RESPONSE_ROUNDS = 64;

/** Sends `command` over T=0 through `send` (one APDU each), following 61 XX and 6C XX. */
export async function transmitT0(command: Uint8Array, send: (apdu: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  let response = await send(command);
  if (sw1(response) === 0x6c && hasShortLe(command)) {
    const again = Uint8Array.from(command);
    again[again.length - 1] = sw2(response);
    response = await send(again);
  }
  const data: Uint8Array[] = [];
  for (let round = 0; sw1(response) === 0x61; round += 1) {
    if (round === MAX_GET_RESPONSE_ROUNDS) throw new Error(`the card asked for more than ${MAX_GET_RESPONSE_ROUNDS} GET RESPONSEs`);
    data.push(response.subarray(0, response.length - 2));
    // The logical channel of the command (CLA bits 1–2), without its secure-messaging bits:
    // GET RESPONSE belongs to the transport, not to the protected exchange.
    response = await send(Uint8Array.from([(command[0] ?? 0) & 0x03, 0xc0, 0x00, 0x00, sw2(response)]));
  }
  if (data.length === 0) return response;
  data.push(response);
  const joined = new Uint8Array(data.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of data) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function sw1(response: Uint8Array): number | undefined {
  return response.length >= 2 ? response[response.length - 2] : undefined;
}

function sw2(response: Uint8Array): number {
  return response[response.length - 1] ?? 0;
}

/** Whether a short command APDU ends in Le (case 2: CLA INS P1 P2 Le; case 4: … Lc data Le). */
function hasShortLe(command: Uint8Array): boolean {
  if (command.length === 5) return true;
  const lc = command[4] ?? 0;
  return lc !== 0 && command.length === 6 + lc;
}
