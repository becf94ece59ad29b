import { describe, expect, it } from 'vitest';
import { IngestAdmission, type Admission } from '../../../../hub/entries/ingest-admission.js';

/** The bound on uploads the hub holds at once, and the Retry-After it gives past it. */
function admitted(admission: Admission): Extract<Admission, { ok: true }> {
  if (!admission.ok) throw new Error(`refused: retry after ${admission.retryAfterSeconds} s`);
  return admission;
}

describe('upload admission', () => {
  it('admits up to the bound, refuses the next with a Retry-After, and admits again once one is answered', () => {
    let now = 0;
    const admission = new IngestAdmission(
      { maxInFlight: 3, maxRetryAfterSeconds: 120 },
      () => now,
      () => 0,
    );
    const held = [admitted(admission.admit()), admitted(admission.admit()), admitted(admission.admit())];
    const refused = admission.admit();
    expect(refused).toEqual({ ok: false, inFlight: 3, retryAfterSeconds: expect.any(Number) });
    now = 1_000;
    held[0]?.done();
    // done() twice counts once.
    held[0]?.done();
    expect(admission.inFlight).toBe(2);
    expect(admission.admit().ok).toBe(true);
    expect(admission.admit().ok).toBe(false);
  });

  it('Retry-After is about the time the held uploads take to drain at the measured pace, spread between one and two drains', () => {
    let now = 0;
    let random = 0;
    const admission = new IngestAdmission(
      { maxInFlight: 10, maxRetryAfterSeconds: 120 },
      () => now,
      () => random,
    );
    // The hub answers one upload every 2 s while it holds ten.
    const held = Array.from({ length: 10 }, () => admitted(admission.admit()));
    for (const [i, upload] of held.entries()) {
      now = (i + 1) * 2_000;
      upload.done();
      admitted(admission.admit());
    }
    const early = admission.admit();
    random = 0.999;
    const late = admission.admit();
    if (early.ok || late.ok) throw new Error('expected refusals');
    // Ten held at close to 2 s each (the average converges from the first guess): about 20 s, up to twice that.
    expect(early.retryAfterSeconds).toBeGreaterThanOrEqual(15);
    expect(early.retryAfterSeconds).toBeLessThanOrEqual(20);
    expect(late.retryAfterSeconds).toBeGreaterThanOrEqual(30);
    expect(late.retryAfterSeconds).toBeLessThanOrEqual(40);
  });

  it('an idle spell before an upload is not taken for the hub’s pace, and Retry-After stays within 1 s … the cap', () => {
    let now = 0;
    const admission = new IngestAdmission(
      { maxInFlight: 1, maxRetryAfterSeconds: 30 },
      () => now,
      () => 0.5,
    );
    admitted(admission.admit()).done();
    // An hour later one upload comes and takes 10 ms: the pace is 10 ms, not an hour.
    now = 3_600_000;
    const quick = admitted(admission.admit());
    now += 10;
    quick.done();
    admitted(admission.admit());
    const refused = admission.admit();
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1 });

    const slow = new IngestAdmission(
      { maxInFlight: 1, maxRetryAfterSeconds: 30 },
      () => now,
      () => 0.5,
    );
    const long = admitted(slow.admit());
    now += 600_000;
    long.done();
    admitted(slow.admit());
    expect(slow.admit()).toMatchObject({ ok: false, retryAfterSeconds: 30 });
  });
});
