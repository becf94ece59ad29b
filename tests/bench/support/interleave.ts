/**
 * Runs `rounds` rounds in which each variant does one block of work, the order rotating
 * from round to round, so that no variant always runs first (on a cold cache, or right after
 * another's fsyncs) and a burst of other load on the machine falls on all of them alike.
 */
export async function interleave<V>(variants: readonly V[], rounds: number, block: (variant: V, round: number) => void | Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) await block(variants[(round + k) % variants.length] as V, round);
  }
}
