import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tonePlan } from '../../../../renderer/sound/tone-plan.js';
import { VerdictSound, type SoundPlayed } from '../../../../renderer/sound/verdict-sound.js';

/**
 * The player's part a browser test cannot reach: headless Chromium starts every AudioContext
 * running, whatever its autoplay policy, so what the player does with a SUSPENDED one (a page
 * opened by hand, before any key or touch) is checked here, against a recording stand-in for
 * the Web Audio API. The e2e test (tests/e2e/verdict-sound.test.ts) plays through the real one.
 */

type Call = readonly [string, ...number[]];

class RecordingParam {
  value = 0;
  readonly calls: Call[] = [];
  setValueAtTime(value: number, at: number): void {
    this.calls.push(['set', value, at]);
  }
  linearRampToValueAtTime(value: number, at: number): void {
    this.calls.push(['linear', value, at]);
  }
  exponentialRampToValueAtTime(value: number, at: number): void {
    this.calls.push(['exponential', value, at]);
  }
}

class RecordingNode {
  readonly connectedTo: unknown[] = [];
  connect<T>(node: T): T {
    this.connectedTo.push(node);
    return node;
  }
  disconnect(): void {}
  addEventListener(): void {}
}

class RecordingOscillator extends RecordingNode {
  type = 'sine';
  readonly frequency = new RecordingParam();
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  start(at: number): void {
    this.startedAt = at;
  }
  stop(at: number): void {
    this.stoppedAt = at;
  }
}

class RecordingGain extends RecordingNode {
  readonly gain = new RecordingParam();
}

/** The AudioContexts the player made (one at most). */
const contexts: RecordingAudioContext[] = [];
/** Set by a test: how resume() answers. */
let resumeBehaviour: 'resumes' | 'never' = 'resumes';

class RecordingAudioContext {
  state: 'suspended' | 'running' = initialState;
  currentTime = 12.5;
  readonly destination = { name: 'speakers' };
  readonly oscillators: RecordingOscillator[] = [];
  readonly gains: RecordingGain[] = [];
  resumeCalls = 0;
  constructor() {
    contexts.push(this);
  }
  resume(): Promise<void> {
    this.resumeCalls += 1;
    if (resumeBehaviour === 'never') return new Promise(() => undefined);
    this.state = 'running';
    return Promise.resolve();
  }
  createOscillator(): RecordingOscillator {
    const oscillator = new RecordingOscillator();
    this.oscillators.push(oscillator);
    return oscillator;
  }
  createGain(): RecordingGain {
    const gain = new RecordingGain();
    this.gains.push(gain);
    return gain;
  }
}
let initialState: 'suspended' | 'running' = 'running';

const SETTINGS = { volume: 60, muted: false };

/** The one AudioContext the player made. */
function made(): RecordingAudioContext {
  expect(contexts).toHaveLength(1);
  return contexts[0]!;
}

beforeEach(() => {
  contexts.length = 0;
  initialState = 'running';
  resumeBehaviour = 'resumes';
  vi.stubGlobal('window', new EventTarget());
  vi.stubGlobal('AudioContext', RecordingAudioContext);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Lets the player's promise chain run to its end. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('VerdictSound', () => {
  it('muted, or at volume 0: opens no audio context at all, and plays nothing', async () => {
    for (const settings of [
      { volume: 80, muted: true },
      { volume: 0, muted: false },
    ]) {
      const played: SoundPlayed[] = [];
      new VerdictSound(settings, played).play('red');
      await settle();
      expect(contexts).toEqual([]);
      expect(played).toEqual([]);
    }
  });

  it('plays the plan: one oscillator per tone, each through its own envelope to the speakers, at its time', async () => {
    const played: SoundPlayed[] = [];
    new VerdictSound(SETTINGS, played).play('green');
    await settle();
    const context = made();
    const plan = tonePlan('green', SETTINGS)!;
    expect(context.oscillators).toHaveLength(plan.tones.length);
    const start = context.currentTime + 0.01;
    plan.tones.forEach((tone, index) => {
      const oscillator = context.oscillators[index]!;
      const envelope = context.gains[index]!;
      const toneStart = start + tone.startS;
      const toneEnd = toneStart + tone.durationS;
      expect([oscillator.type, oscillator.frequency.value]).toEqual([tone.wave, tone.frequencyHz]);
      expect([oscillator.startedAt, oscillator.stoppedAt]).toEqual([toneStart, toneEnd]);
      expect(oscillator.connectedTo).toEqual([envelope]);
      expect(envelope.connectedTo).toEqual([context.destination]);
      // From silence, up to the peak, held, down to (near) silence, then silence: no click at either end.
      expect(envelope.gain.calls).toEqual([
        ['set', 0, toneStart],
        ['linear', tone.peakGain, toneStart + tone.attackS],
        ['set', tone.peakGain, toneEnd - tone.releaseS],
        ['exponential', 0.0001, toneEnd],
        ['set', 0, toneEnd],
      ]);
    });
    expect(played).toEqual([
      {
        outcome: 'green',
        frequenciesHz: plan.tones.map((tone) => tone.frequencyHz),
        waves: plan.tones.map((tone) => tone.wave),
        peakGains: plan.tones.map((tone) => tone.peakGain),
        durationS: plan.durationS,
        contextState: 'running',
      },
    ]);
  });

  it('a suspended context that will not resume (no gesture yet): the sound is dropped, never played late', async () => {
    vi.useFakeTimers();
    initialState = 'suspended';
    resumeBehaviour = 'never';
    const played: SoundPlayed[] = [];
    new VerdictSound(SETTINGS, played).play('red');
    expect(made().resumeCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made().oscillators).toEqual([]);
    expect(played).toEqual([]);
    // The context comes to life later (a key, a touch): the old verdict's sound is not in any queue.
    made().state = 'running';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made().oscillators).toEqual([]);
  });

  it('a suspended context is resumed by the first key or touch, then plays the next verdict at once', async () => {
    initialState = 'suspended';
    const played: SoundPlayed[] = [];
    const sound = new VerdictSound(SETTINGS, played);
    expect(made().resumeCalls).toBe(0);
    window.dispatchEvent(new Event('keydown'));
    await settle();
    expect(made().state).toBe('running');
    // Resumed: the listeners are gone, a later key costs nothing.
    window.dispatchEvent(new Event('pointerdown'));
    expect(made().resumeCalls).toBe(1);
    sound.play('yellow');
    await settle();
    expect(played.map((entry) => entry.outcome)).toEqual(['yellow']);
  });
});
