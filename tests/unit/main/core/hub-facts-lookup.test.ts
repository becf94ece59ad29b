import Database from 'better-sqlite3';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanSubmission } from '../../../../domain/contract/kiosk-api.js';
import { overrideRefusal } from '../../../../domain/contract/operator-override.js';
import { canonicalPersonFacts, type PersonFactsStatement } from '../../../../domain/protocol/person-facts.js';
import { encodeFacts } from '../../../../domain/sync/facts-codec.js';
import { HUB_FACTS_REASONS, type HubFactsAnswer } from '../../../../domain/verdict/hub-facts.js';
import { KioskCore } from '../../../../main/core/kiosk-core.js';
import { HubClient } from '../../../../main/hub-client/hub-client.js';
import { publicKeyRawOf } from '../../../../main/hub-client/device-identity.js';
import { HubError } from '../../../../main/hub-client/hub-error.js';
import { HubFactsLookup, hubFactsLookupOf, MAX_HUB_LOOKUP_MS } from '../../../../main/sync/hub-facts-lookup.js';
import { checkPersonFacts } from '../../../../main/sync/person-facts-check.js';
import { hubKeyStoreFromKeys } from '../../../../main/trust/hub-key-store.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { startTestHub, type TestHub, type TestKiosk } from '../../hub/server/hub-test-kit.js';

// A traveller from Hà Nội at a Khánh Hòa kiosk: not in its (demo) data. Two doses 60 days ago: green on the kiosk's rules.
const TRAVELLER = '001090000123';
const STRANGER = '001090000456';
const cccd = (id12: string): string => `${id12}||Nguyễn Văn Khách|15031990|Nam|Số 1 Hàng Bạc, Hà Nội|10072021`;
const wedge = (text: string): ScanSubmission => ({ source: { kind: 'wedge', deviceId: 'keyboard' }, text });
const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function openCore(): { core: KioskCore; reasonsOfEntries: () => string[][] } {
  const dataDir = tempDataDir();
  const core = KioskCore.open({ dataDir, demo: true });
  closers.push(() => core.close());
  const reasonsOfEntries = (): string[][] => {
    const db = new Database(join(dataDir, 'kiosk.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT reasons FROM entry ORDER BY seq').all() as { reasons: string }[]).map((row) => JSON.parse(row.reasons) as string[]);
    } finally {
      db.close();
    }
  };
  return { core, reasonsOfEntries };
}

async function hubWithTraveller(): Promise<{ hub: TestHub; kiosk: TestKiosk; asked: () => number }> {
  const hub = await startTestHub();
  closers.push(() => hub.close());
  await hub.importRows('person', [{ id12: TRAVELLER }]);
  await hub.importRows('vaccination', [
    { id12: TRAVELLER, dose: 1, date: daysAgo(90), product: 'EU/1/20/1528' },
    { id12: TRAVELLER, dose: 2, date: daysAgo(60), product: 'EU/1/20/1528' },
  ]);
  const kiosk = await hub.enrol();
  return { hub, kiosk, asked: () => hub.logs.filter((line) => line.includes('GET /v1/person/***/facts')).length };
}

/**
 * The lookup a kiosk makes, on a real client and the hub's key. `bound`: 'real' runs the
 * 300 ms timer; 'never' hands in a timer that never fires, so a real hub on a loaded machine
 * is not raced by it where the test is about the answer, not the bound.
 */
const lookupAt = (url: string, kiosk: TestKiosk, bound: 'real' | 'never', timeoutMs?: number): HubFactsLookup =>
  hubFactsLookupOf(
    { client: new HubClient({ url, identity: kiosk.identity }), hub: { deviceId: kiosk.identity.deviceId } },
    hubKeyStoreFromKeys([kiosk.hubPublicKey]),
    { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(bound === 'never' ? { startTimer: () => () => undefined } : {}) },
  );

describe('a person outside the kiosk’s data, asked about at the hub', () => {
  it('is decided on the hub’s signed facts, said on the verdict and in the entry; the answer is held briefly, so a second scan asks nothing', async () => {
    const { hub, kiosk, asked } = await hubWithTraveller();
    const { core, reasonsOfEntries } = openCore();
    core.attachHubFacts(lookupAt(hub.server.url, kiosk, 'never'));

    const verdict = await core.submitScan(wedge(cccd(TRAVELLER)));
    expect(verdict.outcome).toBe('green');
    expect(verdict.reasons).toContainEqual(HUB_FACTS_REASONS.fromHub);
    expect(asked()).toBe(1);
    await core.submitScan({ ...wedge(cccd(TRAVELLER)), source: { kind: 'camera', deviceId: 'camera' } });
    expect(asked()).toBe(1);
    expect(reasonsOfEntries()).toEqual([expect.arrayContaining(['facts.from-hub']), expect.arrayContaining(['facts.from-hub'])]);

    // A person in the kiosk's own data is never asked about: An is in the demo data.
    const an = await core.submitScan(wedge('056089001234|225123456|Nguyễn Văn An|15031989|Nam|Số 1 Trần Phú, Lộc Thọ, Nha Trang, Khánh Hòa|10072021'));
    expect(an.outcome).toBe('green');
    expect(an.reasons.map((r) => r.code)).not.toContain('facts.from-hub');
    expect(asked()).toBe(1);
  });

  it('an ID staff typed for them is asked about too: the hub’s facts decide, and the verdict still says typed, not verified', async () => {
    const { hub, kiosk, asked } = await hubWithTraveller();
    const { core, reasonsOfEntries } = openCore();
    core.attachHubFacts(lookupAt(hub.server.url, kiosk, 'never'));
    const typed = await core.enterTypedId({ id: TRAVELLER, by: 'Lan' });
    if (!typed.ok) throw new Error(`typed ID refused: ${typed.refusal.code}`);
    expect(typed.verdict.reasons).toContainEqual(HUB_FACTS_REASONS.fromHub);
    expect(typed.verdict.authenticity).toBe('manual');
    expect(asked()).toBe(1);
    expect(reasonsOfEntries()).toEqual([expect.arrayContaining(['facts.from-hub'])]);
  });

  it('the same code sent twice while the first waits on the hub is one entry: the second is the first’s repeat', async () => {
    const { core, reasonsOfEntries } = openCore();
    const waiting: ((value: HubFactsAnswer) => void)[] = [];
    core.attachHubFacts({
      asks: () => true,
      held: () => undefined,
      lookup: () => new Promise<HubFactsAnswer>((resolve) => waiting.push(resolve)),
    });
    const first = core.submitScan(wedge(cccd(TRAVELLER)));
    const second = core.submitScan(wedge(cccd(TRAVELLER)));
    // Another input is another entry, asked about on its own.
    const camera = core.submitScan({ ...wedge(cccd(TRAVELLER)), source: { kind: 'camera', deviceId: 'camera' } });
    await vi.waitFor(() => expect(waiting).toHaveLength(2));
    for (const answer of waiting) answer({ answer: 'not-known' });
    const [a, b] = await Promise.all([first, second]);
    expect(a.repeat).toBeUndefined();
    expect(b).toMatchObject({ entrySeq: a.entrySeq, repeat: true });
    expect((await camera).entrySeq).not.toBe(a.entrySeq);
    expect(reasonsOfEntries()).toHaveLength(2);
  });

  it('a person the hub does not know: the unknown policy, as without the hub, and the entry says the hub was asked', async () => {
    const { hub, kiosk } = await hubWithTraveller();
    const offline = openCore();
    const unasked = await offline.core.submitScan(wedge(cccd(STRANGER)));
    const { core, reasonsOfEntries } = openCore();
    core.attachHubFacts(lookupAt(hub.server.url, kiosk, 'never'));
    const verdict = await core.submitScan(wedge(cccd(STRANGER)));
    expect({ outcome: verdict.outcome, headline: verdict.headline }).toEqual({ outcome: unasked.outcome, headline: unasked.headline });
    expect(verdict.reasons).toContainEqual(HUB_FACTS_REASONS.hubNotKnown);
    expect(reasonsOfEntries()[0]).toContain('facts.hub-not-known');
    // Staff may let them through as they may a person with no record here: the code saying the hub was asked changes nothing of that.
    const entry = (v: typeof verdict) => ({
      seq: v.entrySeq,
      at: v.decidedAt,
      outcome: v.outcome,
      personId: STRANGER,
      reasonCodes: v.reasons.map((r) => r.code),
    });
    expect(overrideRefusal(entry(unasked), true, Date.now())).toBeUndefined();
    expect(overrideRefusal(entry(verdict), true, Date.now())).toBeUndefined();
  });

  it('a hub that never answers: the verdict still comes, by the unknown policy, within the bound even when set far higher', async () => {
    const { kiosk } = await hubWithTraveller();
    // A real listener that takes the connection and never says a word.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          sockets.forEach((socket) => socket.destroy());
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as { port: number };
    const offline = openCore();
    const unasked = await offline.core.submitScan(wedge(cccd(TRAVELLER)));
    const { core, reasonsOfEntries } = openCore();
    // Asked for a minute: cut to the most a person may wait.
    const lookup = lookupAt(`http://127.0.0.1:${port}`, kiosk, 'real', 60_000);
    expect(lookup.timeoutMs).toBe(MAX_HUB_LOOKUP_MS);
    core.attachHubFacts(lookup);
    const started = performance.now();
    const verdict = await core.submitScan(wedge(cccd(TRAVELLER)));
    // Generous slack for a loaded machine: the point is that it is not the minute asked for.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect({ outcome: verdict.outcome, headline: verdict.headline, gate: verdict.gate }).toEqual({
      outcome: unasked.outcome,
      headline: unasked.headline,
      gate: unasked.gate,
    });
    expect(verdict.reasons).toContainEqual(HUB_FACTS_REASONS.hubNoAnswer);
    expect(reasonsOfEntries()[0]).toContain('facts.hub-no-answer');
    expect(
      overrideRefusal(
        { seq: 1, at: verdict.decidedAt, outcome: verdict.outcome, personId: TRAVELLER, reasonCodes: verdict.reasons.map((r) => r.code) },
        true,
        Date.now(),
      ),
    ).toBe(
      overrideRefusal(
        { seq: 1, at: unasked.decidedAt, outcome: unasked.outcome, personId: TRAVELLER, reasonCodes: unasked.reasons.map((r) => r.code) },
        true,
        Date.now(),
      ),
    );
  });
});

describe('HubFactsLookup', () => {
  const statement = (over: Partial<PersonFactsStatement> = {}): PersonFactsStatement => ({
    id12: TRAVELLER,
    kioskId: 'k-0000000000000001',
    seq: 3,
    issuedAt: Date.now(),
    hubKeyId: 'ffffffff',
    facts: Buffer.from(encodeFacts({ doses: [], tests: [], quarantine: [] })).toString('base64url'),
    ...over,
  });

  it('believes only an answer the pinned hub key signed: a forged one is no answer, and is not held', async () => {
    const hubKey = generateKeyPairSync('ed25519').privateKey;
    const forger = generateKeyPairSync('ed25519').privateKey;
    const hubPublic = Buffer.from(publicKeyRawOf(hubKey)).toString('base64');
    const keyId = Buffer.from(publicKeyRawOf(hubKey).subarray(0, 4)).toString('hex');
    const signed = (by: typeof hubKey) => {
      const s = statement({ hubKeyId: keyId });
      return { statement: s, signature: sign(null, canonicalPersonFacts(s), by).toString('base64url') };
    };
    let answer: unknown = signed(forger);
    const why: string[] = [];
    const lookup = new HubFactsLookup({
      ask: async () => answer,
      check: (a, id12, nowMs) => checkPersonFacts(a, { id12, deviceId: 'k-0000000000000001', nowMs }, hubKeyStoreFromKeys([hubPublic])),
      onNoAnswer: (w) => why.push(w),
    });
    expect(await lookup.lookup(TRAVELLER)).toEqual({ answer: 'no-answer' });
    expect(why).toEqual(['answer refused: bad-signature']);
    expect(lookup.held(TRAVELLER, Date.now())).toBeUndefined();
    answer = signed(hubKey);
    expect(await lookup.lookup(TRAVELLER)).toEqual({ answer: 'facts', facts: { doses: [], tests: [], quarantine: [] } });
    expect(lookup.held(TRAVELLER, Date.now())).toEqual({ answer: 'facts', facts: { doses: [], tests: [], quarantine: [] } });
    // Held briefly only: 30 s later it is gone, and the next scan asks again.
    expect(lookup.held(TRAVELLER, Date.now() + 31_000)).toBeUndefined();
  });

  it('ends at its bound whatever the request does: the timer answers, not the request', async () => {
    let aborted = false;
    const lookup = new HubFactsLookup({
      // A request that ignores its abort signal and never settles on its own.
      ask: (_id, signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => undefined);
      },
      check: () => ({ ok: false, why: 'malformed' }),
      timeoutMs: 20,
    });
    expect(lookup.timeoutMs).toBe(20);
    expect(await lookup.lookup(TRAVELLER)).toEqual({ answer: 'no-answer' });
    expect(aborted).toBe(true);
    expect(() => new HubFactsLookup({ ask: async () => null, check: () => ({ ok: false, why: 'malformed' }), timeoutMs: 0 })).toThrow(RangeError);
  });

  it('a hub that asks to wait (too many lookups, Retry-After): no answer, and nothing asked until the wait is over', async () => {
    let now = 1_000_000;
    let asked = 0;
    const why: string[] = [];
    const lookup = new HubFactsLookup({
      ask: async () => {
        asked += 1;
        throw new HubError('too-many-lookups', 429, 'too many person lookups from this kiosk: try again in 20 s', 20_000);
      },
      check: () => ({ ok: false, why: 'malformed' }),
      now: () => now,
      onNoAnswer: (w) => why.push(w),
    });
    expect(await lookup.lookup(TRAVELLER)).toEqual({ answer: 'no-answer' });
    now += 19_000;
    expect(await lookup.lookup(STRANGER)).toEqual({ answer: 'no-answer' });
    expect(asked).toBe(1);
    expect(why).toEqual(['too-many-lookups', 'paused: the hub asked to wait']);
    now += 1_000;
    await lookup.lookup(STRANGER);
    expect(asked).toBe(2);
  });
});
