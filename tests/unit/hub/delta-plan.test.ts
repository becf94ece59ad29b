import { describe, expect, it } from 'vitest';
import { deltaPlan } from '../../../hub/storage/hub-storage.js';

describe('deltaPlan: how a delta page is read at 10 M people', () => {
  it.each([
    // delta, people, limit → people walk, facts read
    [100_000, 10_000_000, 10_000, 'by-seq', 'by-ids'], // a day's changes: gather through the seq index
    [316_000, 10_000_000, 10_000, 'by-seq', 'by-ids'], // just under delta² = people × limit
    [400_000, 10_000_000, 10_000, 'by-id', 'by-ids'], // 4 %: walk the key, but fetch facts by id
    [10_000_000, 10_000_000, 10_000, 'by-id', 'by-range'], // a full re-import: a snapshot in all but name
    [0, 0, 10, 'by-seq', 'by-range'],
  ] as const)('delta %i of %i people, pages of %i: people %s, facts %s', (delta, people, limit, walk, facts) => {
    expect(deltaPlan(delta, people, limit)).toEqual({ people: walk, facts });
  });
});
