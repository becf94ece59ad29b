import type { Readiness } from '../../domain/contract/kiosk-readiness.js';
import type { KioskStatus } from '../../domain/contract/kiosk-status.js';
import { describeTrustFileHeld, NO_TRUST_FILES, type TrustFileHeld } from '../../domain/contract/trust-files-held.js';
import type { TodayStats } from '../../domain/contract/today-stats.js';
import { byId, langSpan } from './dom.js';

/**
 * Whether the data can be trusted (the core's `readiness`), drawn once for the idle and verdict
 * screens: NOT READY fills the idle screen and heads the verdict screen; OUT OF DATE is a large
 * banner on both. `#app[data-readiness]` lets the stylesheet place it per screen.
 */
export function setReadiness(readiness: Readiness): void {
  byId('app').dataset.readiness = readiness.state;
  const element = byId('readiness');
  element.hidden = readiness.state === 'ready';
  element.dataset.state = readiness.state;
  byId('readiness-glyph').textContent = readiness.glyph;
  byId('readiness-headline-vi').textContent = readiness.headline.vi;
  byId('readiness-headline-en').textContent = readiness.headline.en;
  byId('readiness-line-vi').textContent = readiness.line.vi;
  byId('readiness-line-en').textContent = readiness.line.en;
  byId('readiness-advice-vi').textContent = readiness.advice.vi;
  byId('readiness-advice-en').textContent = readiness.advice.en;
}

/** The rule set in force, on the idle screen and the operator screen (F2). */
export function setRuleSet(ruleSet: KioskStatus['ruleSet']): void {
  const words = `${ruleSet.id} · v${ruleSet.version}`;
  byId('idle-rule-set').textContent = words;
  byId('operator-rule-set').textContent = words;
}

/** The hub-signed trust files the kiosk holds, by kind and version, on the operator screen (F2). */
export function setTrustFiles(held: readonly TrustFileHeld[]): void {
  const list = byId('operator-trust-files');
  const item = (name: { vi: string; en: string }, version?: string): HTMLLIElement => {
    const li = document.createElement('li');
    li.append(langSpan('vi', name.vi), ' · ', langSpan('en', name.en));
    if (version !== undefined) {
      li.dataset.version = version;
      const value = document.createElement('span');
      value.className = 'trust-file-version';
      value.textContent = version;
      li.append(': ', value);
    }
    return li;
  };
  list.replaceChildren(
    ...(held.length === 0
      ? [item(NO_TRUST_FILES)]
      : held.map((file) => {
          const { name, version } = describeTrustFileHeld(file);
          const li = item(name, version);
          li.dataset.kind = file.kind;
          return li;
        })),
  );
}

/** Today's count on the idle screen: staff see the kiosk is counting without opening F2. */
export function setTodayCount(stats: TodayStats): void {
  byId('idle-today-count').textContent = stats.total.toLocaleString('vi-VN');
}
