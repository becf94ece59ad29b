import type { ChipCrypto } from '../../domain/chip/chip-crypto.js';
import { nodeChipCrypto } from '../../drivers/chip/node-chip-crypto.js';

/** One exchange of a scripted card: the command it expects (hex, or undefined for any) and its answer (hex, data ‖ SW). */
export interface ScriptedExchange {
  readonly command: string | undefined;
  readonly response: string;
}

const clean = (text: string): string => text.replace(/\s+/g, '').toUpperCase();

/**
 * A card that answers a published transcript: each command must be the next one of the
 * script byte for byte, else the test fails with both in hex. `sent` keeps every command.
 */
export class ScriptedCard {
  readonly sent: string[] = [];
  private next = 0;

  constructor(private readonly script: readonly ScriptedExchange[]) {}

  readonly transmit = (command: Uint8Array): Promise<Uint8Array> => {
    const actual = Buffer.from(command).toString('hex').toUpperCase();
    this.sent.push(actual);
    const exchange = this.script[this.next++];
    if (exchange === undefined) return Promise.reject(new Error(`scripted card: unexpected extra command ${actual}`));
    if (exchange.command !== undefined && clean(exchange.command) !== actual) {
      return Promise.reject(new Error(`scripted card: command ${this.next} was\n  ${actual}\nexpected\n  ${clean(exchange.command)}`));
    }
    return Promise.resolve(Uint8Array.from(Buffer.from(clean(exchange.response), 'hex')));
  };

  /** Whether every scripted exchange took place. */
  get finished(): boolean {
    return this.next === this.script.length;
  }
}

/** node:crypto with fixed randomness: each randomBytes call takes the next value, which must have the asked length. */
export function cryptoWithRandomness(...values: string[]): ChipCrypto {
  const queue = values.map((value) => Uint8Array.from(Buffer.from(clean(value), 'hex')));
  return {
    ...nodeChipCrypto,
    randomBytes(length: number): Uint8Array {
      const next = queue.shift();
      if (next === undefined) throw new Error(`fixed randomness: no value left for ${length} bytes`);
      if (next.length !== length) throw new Error(`fixed randomness: ${length} bytes asked, ${next.length} given`);
      return next;
    },
  };
}
