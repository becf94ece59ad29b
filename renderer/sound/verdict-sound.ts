import type { SoundSettings } from '../../domain/contract/sound-settings.js';
import type { Outcome } from '../../domain/verdict/verdict.js';
import { tonePlan, type Tone, type TonePlan } from './tone-plan.js';

/** A verdict sound the page started, as its audio graph was built: the tests' signal (chotMetrics.sounds). */
export interface SoundPlayed {
  readonly outcome: Outcome;
  /** Read back from the oscillators started, in order. */
  readonly frequenciesHz: readonly number[];
  readonly waves: readonly string[];
  /** Each tone's envelope peak, as scheduled: the volume setting's mark. */
  readonly peakGains: readonly number[];
  readonly durationS: number;
  /** The audio context's state when the tones were scheduled: 'running' means they are heard. */
  readonly contextState: string;
}

/**
 * How long a verdict's sound may wait for a suspended audio context to resume. A sound that
 * starts later than this belongs to the person before: it is dropped, never played late.
 */
const RESUME_WAIT_MS = 250;
/** Scheduled a moment ahead, so the first tone's attack is not cut by the audio thread's clock. */
const LEAD_S = 0.01;
/** The envelope falls exponentially, which cannot reach zero: it ends here, then is set to 0. */
const SILENT_GAIN = 0.0001;
/** The test signal keeps this many sounds: a kiosk runs for weeks. */
const KEEP_PLAYED = 1000;

/**
 * Plays each verdict's tones (tone-plan.ts) with Web Audio: oscillators through gain
 * envelopes, no audio files.
 *
 * Chromium's autoplay policy keeps an AudioContext made before a user gesture suspended. A
 * kiosk screen may never be touched — a device scanner's verdict arrives with no gesture at
 * all — so the kiosk's own windows start without that rule: `--autoplay-policy=
 * no-user-gesture-required` on the Chromium of `chot start --open`, `autoplayPolicy` in the
 * Electron window's webPreferences. A page opened by hand in a browser keeps the rule: there
 * the first key or touch (a wedge scanner's keys count) resumes the context, and until then a
 * verdict's sound is dropped rather than queued.
 */
export class VerdictSound {
  private readonly context: AudioContext | undefined;

  constructor(
    private readonly settings: SoundSettings,
    private readonly played: SoundPlayed[],
  ) {
    // Muted or at volume 0: no audio context at all, so the audio device is not even opened.
    if (tonePlan('green', settings) === undefined) return;
    const context = new AudioContext({ latencyHint: 'interactive' });
    this.context = context;
    const removeListeners = (): void => {
      for (const type of GESTURES) window.removeEventListener(type, resumeOnGesture, true);
    };
    function resumeOnGesture(): void {
      if (context.state !== 'suspended') return removeListeners();
      context.resume().then(removeListeners, () => undefined);
    }
    for (const type of GESTURES) window.addEventListener(type, resumeOnGesture, true);
  }

  /** Sounds the outcome of a verdict just shown; nothing when muted. Never throws: a sound must not cost a verdict. */
  play(outcome: Outcome): void {
    const plan = tonePlan(outcome, this.settings);
    const context = this.context;
    if (plan === undefined || context === undefined) return;
    void this.whenRunning(context).then((running) => {
      if (running) this.schedule(context, plan);
    });
  }

  private async whenRunning(context: AudioContext): Promise<boolean> {
    if (isRunning(context)) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, RESUME_WAIT_MS)));
    try {
      await Promise.race([context.resume(), waited]);
    } catch {
      // Refused (no gesture yet, outside the kiosk's own windows): the sound is dropped below.
    } finally {
      clearTimeout(timer);
    }
    return isRunning(context);
  }

  private schedule(context: AudioContext, plan: TonePlan): void {
    const at = context.currentTime + LEAD_S;
    const oscillators = plan.tones.map((tone) => startTone(context, tone, at));
    if (this.played.length >= KEEP_PLAYED) this.played.shift();
    this.played.push({
      outcome: plan.outcome,
      frequenciesHz: oscillators.map((oscillator) => oscillator.frequency.value),
      waves: oscillators.map((oscillator) => oscillator.type),
      peakGains: plan.tones.map((tone) => tone.peakGain),
      durationS: plan.durationS,
      contextState: context.state,
    });
  }
}

const GESTURES = ['keydown', 'pointerdown'] as const;

/** A function, not an inline test: the state changes across an await, which TypeScript's narrowing does not see. */
function isRunning(context: AudioContext): boolean {
  return context.state === 'running';
}

/** One tone: an oscillator through its own gain envelope, disconnected once it has ended. */
function startTone(context: AudioContext, tone: Tone, planStart: number): OscillatorNode {
  const start = planStart + tone.startS;
  const end = start + tone.durationS;
  const oscillator = context.createOscillator();
  oscillator.type = tone.wave;
  oscillator.frequency.value = tone.frequencyHz;
  const envelope = context.createGain();
  envelope.gain.setValueAtTime(0, start);
  envelope.gain.linearRampToValueAtTime(tone.peakGain, start + tone.attackS);
  envelope.gain.setValueAtTime(tone.peakGain, end - tone.releaseS);
  envelope.gain.exponentialRampToValueAtTime(SILENT_GAIN, end);
  envelope.gain.setValueAtTime(0, end);
  oscillator.connect(envelope).connect(context.destination);
  oscillator.addEventListener('ended', () => {
    oscillator.disconnect();
    envelope.disconnect();
  });
  oscillator.start(start);
  oscillator.stop(end);
  return oscillator;
}
