import type { Verdict } from '../../domain/verdict/verdict.js';
import { byId, langSpan } from '../view/dom.js';
import { ACCESS_PATH_TEXT, activeText, PASSIVE_TEXT, photoDataUrl, photoMissingText, type GlyphLine } from './chip-view.js';

/** A check's line: its glyph, then both languages; the glyph and words carry it, colour only underlines. */
function setCheckLine(element: HTMLElement, line: GlyphLine): void {
  const glyph = document.createElement('span');
  glyph.className = 'glyph';
  glyph.setAttribute('aria-hidden', 'true');
  glyph.textContent = line.glyph;
  element.replaceChildren(glyph, langSpan('vi', line.vi), document.createTextNode(' · '), langSpan('en', line.en));
}

/**
 * The staff side of a chip card's verdict: the face from the chip for a visual match, how the
 * chip was opened and checked, and the name and birth year. Shown with that verdict only; the
 * face lives in the <img> as a data: URL while the verdict is on screen and is dropped (src
 * removed) the moment the screen moves on, so no photo outlives its verdict in the page.
 */
export function showChipDetail(verdict: Verdict): void {
  const detail = verdict.chip;
  if (detail === undefined) {
    clearChipDetail();
    return;
  }
  const panel = byId('chip-panel');
  const photo = byId<HTMLImageElement>('chip-photo');
  const url = photoDataUrl(detail.photo);
  if (url === undefined) photo.removeAttribute('src');
  else photo.src = url;
  photo.hidden = url === undefined;
  const missing = photoMissingText(detail);
  const problem = byId('chip-photo-problem');
  problem.hidden = missing === undefined;
  problem.replaceChildren(...(missing === undefined ? [] : [langSpan('vi', missing.vi), document.createTextNode(' · '), langSpan('en', missing.en)]));
  byId('chip-name').textContent = verdict.subject?.name ?? '';
  const born = verdict.subject?.birthYear;
  byId('chip-born').textContent = born === undefined ? '' : `Năm sinh · Born ${born}`;
  const passive = byId('chip-passive');
  passive.dataset.passive = detail.passive;
  setCheckLine(passive, PASSIVE_TEXT[detail.passive]);
  const active = byId('chip-active');
  active.dataset.active = detail.active ?? 'none';
  setCheckLine(active, activeText(detail.active));
  // The access path is a fact, not a finding: a neutral glyph.
  setCheckLine(byId('chip-access'), { glyph: '⇄', ...ACCESS_PATH_TEXT[detail.accessPath] });
  panel.hidden = false;
}

/** The verdict left the screen: the panel hides and the face is let go. */
export function clearChipDetail(): void {
  const photo = document.getElementById('chip-photo') as HTMLImageElement | null;
  if (photo === null) return;
  photo.removeAttribute('src');
  photo.hidden = true;
  byId('chip-panel').hidden = true;
  byId('chip-name').textContent = '';
  byId('chip-born').textContent = '';
}

/**
 * Drops the chip detail whenever the screen stops being the verdict, however it changes: not
 * every screen goes through Screens.show (the diagnostics screen sets its own), and the face
 * must never wait in a hidden <img> for the next verdict.
 */
export function releaseChipDetailWhenVerdictLeaves(app: HTMLElement): void {
  new MutationObserver(() => {
    if (app.dataset.screen !== 'verdict') clearChipDetail();
  }).observe(app, { attributes: true, attributeFilter: ['data-screen'] });
}
