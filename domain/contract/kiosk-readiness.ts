/**
 * Whether the kiosk's data can be trusted for a verdict: the difference between "this
 * person has no record" and "this kiosk knows nobody". Decided by the core from the same
 * facts as the data line (kiosk-status.ts), worded here, pure, so the screen only places
 * the words and the tests read them.
 *
 * - `not-ready`: enrolled (or not demo) and never synced — every person would be "no record";
 *   or the data is older than the stale threshold of a rule set whose stale-data policy
 *   takes the green away — no verdict on the screen can let anyone through on the rules.
 *   The screen shows a full-screen NOT READY with what is missing and what staff do.
 * - `out-of-date`: older than the warning age (half the threshold) but still usable:
 *   a large banner, so staff see it coming before the verdicts turn.
 * - `ready`: fresh data, or the demo data set (dated relative to now, never stale).
 *
 * The kiosk's clock counts too (domain/time/clock-trust.ts): a clock behind the newest
 * instant the hub signed is `not-ready` by default (every age the rules compute is wrong),
 * a clock only off from the hub's is a warning shown as `out-of-date`.
 *
 * A scan while not ready is still decided and logged like any other (every verdict shown is
 * logged); the screen shows the NOT READY banner beside it, so a "no record" is never bare.
 */
import type { Bilingual } from '../text/bilingual.js';
import { UNKNOWN_PERSON } from '../rules/unknown-person.js';
import { formatAge, type DataStatus, type Readiness } from './kiosk-status.js';
import { DEFAULT_CLOCK_TRUST_POLICY, type ClockAssessment, type ClockTrustPolicy } from '../time/clock-trust.js';

const UNKNOWN_PERSON_CODE = UNKNOWN_PERSON.code;

export { READINESS_STATES, type Readiness, type ReadinessState } from './kiosk-status.js';

export interface ReadinessInput extends DataStatus {
  /**
   * The rule set in force has a stale-data policy: past `staleAfterMs` it takes the green
   * away, so the kiosk can let nobody through on the rules. Without one, old data is only
   * out of date.
   */
  readonly stalePolicy: boolean;
  /** The clock as judged from what the hub signed; absent: not judged (as `unknown`). */
  readonly clock?: ClockAssessment;
  /** Only `behind` is read here: NOT READY or a warning for a clock behind the signed time. */
  readonly clockPolicy?: Pick<ClockTrustPolicy, 'behind'>;
}

export const NOT_READY_HEADLINE: Bilingual = { vi: 'DỮ LIỆU CHƯA SẴN SÀNG', en: 'NOT READY' };
export const OUT_OF_DATE_HEADLINE: Bilingual = { vi: 'DỮ LIỆU CŨ', en: 'OUT OF DATE' };

const STAFF_ADVICE: Bilingual = {
  vi: 'Kiểm tra mạng và máy chủ (hub), chạy “chot sync”, hoặc gọi bộ phận IT. Kiểm tra giấy tờ bằng tay.',
  en: 'Check the network and the hub, run “chot sync”, or call IT. Check papers by hand meanwhile.',
};

const READY: Readiness = { state: 'ready', glyph: '●', headline: { vi: '', en: '' }, line: { vi: '', en: '' }, advice: { vi: '', en: '' } };

const hours = (ms: number): number => Math.round(ms / 3_600_000);

const CLOCK_HEADLINE: Bilingual = { vi: 'ĐỒNG HỒ SAI', en: 'CLOCK WRONG' };
const CLOCK_ADVICE: Bilingual = {
  vi: 'Kiểm tra nguồn giờ (NTP) và mạng tới máy chủ (hub), hoặc gọi bộ phận IT. Kiểm tra giấy tờ bằng tay.',
  en: 'Check the time source (NTP) and the network to the hub, or call IT. Check papers by hand meanwhile.',
};
const minutes = (ms: number): number => Math.max(1, Math.round(Math.abs(ms) / 60_000));

/** What the clock does to the screen, or undefined when it is trusted (or nothing judged it). */
function clockReadiness(clock: ClockAssessment | undefined, policy: Pick<ClockTrustPolicy, 'behind'>): Readiness | undefined {
  if (clock?.state === 'behind-signed-time') {
    const off = minutes(clock.offByMs ?? 0);
    return {
      ...(policy.behind === 'not-ready' ? { state: 'not-ready', glyph: '⛔' } : { state: 'out-of-date', glyph: '▲' }),
      headline: policy.behind === 'not-ready' ? NOT_READY_HEADLINE : CLOCK_HEADLINE,
      line: {
        vi: `Đồng hồ của máy chậm hơn thời gian máy chủ đã ký ${off} phút`,
        en: `The kiosk clock is ${off} min behind a time the hub signed`,
      },
      advice: CLOCK_ADVICE,
    };
  }
  if (clock?.state === 'off-from-hub') {
    const off = minutes(clock.offByMs ?? 0);
    const ahead = (clock.offByMs ?? 0) < 0;
    return {
      state: 'out-of-date',
      glyph: '▲',
      headline: CLOCK_HEADLINE,
      line: ahead
        ? { vi: `Đồng hồ của máy nhanh hơn máy chủ ${off} phút`, en: `The kiosk clock is ${off} min ahead of the hub's` }
        : { vi: `Đồng hồ của máy chậm hơn máy chủ ${off} phút`, en: `The kiosk clock is ${off} min behind the hub's` },
      advice: CLOCK_ADVICE,
    };
  }
  return undefined;
}

export function decideReadiness(input: ReadinessInput): Readiness {
  if (input.sync.state === 'demo') return READY;
  const clock = clockReadiness(input.clock, input.clockPolicy ?? DEFAULT_CLOCK_TRUST_POLICY);
  // A clock behind signed time comes first: the data's age below is measured with it.
  if (clock?.state === 'not-ready') return clock;
  if (input.dataAgeMs === undefined) {
    return {
      state: 'not-ready',
      glyph: '⛔',
      headline: NOT_READY_HEADLINE,
      line: { vi: 'Máy chưa từng đồng bộ dữ liệu — chưa biết ai', en: 'This kiosk has never synced its data — it knows nobody yet' },
      advice: STAFF_ADVICE,
    };
  }
  const age = formatAge(input.dataAgeMs);
  const threshold = hours(input.staleAfterMs);
  if (input.stalePolicy && input.dataAgeMs > input.staleAfterMs) {
    return {
      state: 'not-ready',
      glyph: '⛔',
      headline: NOT_READY_HEADLINE,
      line: {
        vi: `Đồng bộ lần cuối ${age.vi}, quá ngưỡng ${threshold} giờ`,
        en: `Last synced ${age.en}, over the ${threshold} h threshold`,
      },
      advice: STAFF_ADVICE,
    };
  }
  if (clock !== undefined) return clock;
  if (input.dataAgeMs > input.staleAfterMs / 2) {
    return {
      state: 'out-of-date',
      glyph: '▲',
      headline: OUT_OF_DATE_HEADLINE,
      line: {
        vi: `Đồng bộ lần cuối ${age.vi} (ngưỡng ${threshold} giờ)`,
        en: `Last synced ${age.en} (threshold ${threshold} h)`,
      },
      advice: { vi: 'Kiểm tra mạng và máy chủ (hub).', en: 'Check the network and the hub.' },
    };
  }
  return READY;
}

/** Two readiness values say the same on screen: the core pushes only a change. */
export const sameReadiness = (a: Readiness, b: Readiness): boolean => a.state === b.state && a.line.vi === b.line.vi && a.line.en === b.line.en;

/**
 * The headline a verdict shows while the kiosk is not ready. A "no record" from a kiosk that
 * knows nobody (or only out-of-date people) says nothing about the person: the screen says
 * NOT READY instead, while the entry log keeps the verdict as decided. That holds whatever
 * colour the phase's rule set gives an unknown person (see staff, or red): the reason
 * `person.unknown` marks it. Any other verdict (a signed certificate, an unreadable code)
 * keeps its own headline, with the banner beside it.
 */
export function verdictHeadlineWhile(
  readiness: Readiness,
  verdict: { readonly outcome: string; readonly headline: Bilingual; readonly reasons: readonly { readonly code: string }[] },
): Bilingual {
  if (readiness.state !== 'not-ready') return verdict.headline;
  const noRecord = verdict.reasons.some((reason) => reason.code === UNKNOWN_PERSON_CODE);
  return noRecord ? NOT_READY_HEADLINE : verdict.headline;
}
