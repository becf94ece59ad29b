// In tests/e2e rather than tests/support: it runs in the page, so it is type-checked with the DOM library (tests/tsconfig.json).
import type { Page } from 'playwright-core';

/** What the page script found on the screen shown. */
export interface LayoutReport {
  /** #app's data-screen when measured: the screen the findings are about. */
  readonly screen: string;
  /** Each finding in words, naming the element: an empty list is a layout that holds. */
  readonly problems: string[];
  /** Interactive elements measured (a screen with none would make the checks vacuous). */
  readonly interactive: number;
  /** Reason lines on a verdict screen, and the smallest font size among them (CSS px). */
  readonly reasons: number;
  readonly smallestReasonPx: number;
  /** The verdict headline's font size (CSS px), 0 when no verdict is shown. */
  readonly headlinePx: number;
}

export interface LayoutLimits {
  /** Touch target size (WCAG 2.2 target size, the kiosk's rule): width and height, CSS px. */
  readonly minTargetPx: number;
  /** The smallest font size a verdict's reason text may compute to, CSS px. */
  readonly minReasonPx: number;
  /**
   * Selectors of what must be seen whole (the camera preview a person aims at): no other visible
   * element may overlap it, but what it holds (its aiming frame) and what holds it. Each selector
   * must match a visible element.
   */
  readonly unobstructed?: readonly string[];
}

/**
 * Measures the screen on show the way a person meets it: every visible element and line of
 * text inside the viewport horizontally, and vertically unless it sits in a container that
 * scrolls (the staff screens); no two touch targets overlapping, nor text over a target; every target at least
 * `minTargetPx` square; reason text at least `minReasonPx`. It runs in the page, so it is one
 * self-contained function (no helpers from this module reach the browser).
 */
export function measureLayout(page: Page, limits: LayoutLimits): Promise<LayoutReport> {
  return page.evaluate((limit: LayoutLimits): LayoutReport => {
    const app = document.getElementById('app');
    if (app === null) throw new Error('no #app');
    const width = window.innerWidth;
    const height = window.innerHeight;
    const slack = 0.5;
    const problems: string[] = [];
    const describe = (element: Element): string => {
      const id = element.id === '' ? '' : `#${element.id}`;
      const classes = typeof element.className === 'string' && element.className !== '' ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${element.tagName.toLowerCase()}${id}${classes}> "${text}"`;
    };
    const shown = (element: Element): boolean => {
      if (element.getClientRects().length === 0) return false;
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && style.visibility !== 'collapse';
    };
    /** An ancestor that scrolls vertically: what is below the fold is reached by scrolling, not lost. */
    const inVerticalScroller = (element: Element): boolean => {
      for (let up = element.parentElement; up !== null && up !== document.body; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowY;
        if (overflow === 'auto' || overflow === 'scroll') return true;
      }
      return false;
    };
    /**
     * The part of `rect` seen on screen: a scroll container clips what is scrolled out of its view,
     * so a target below the fold is not "under" whatever sits below the container (the staff line).
     * Undefined when nothing of it is seen.
     */
    const seenPart = (rect: DOMRect, element: Element): DOMRect | undefined => {
      let { top, bottom } = rect;
      for (let up = element.parentElement; up !== null && up !== document.body; up = up.parentElement) {
        const overflow = getComputedStyle(up).overflowY;
        if (overflow !== 'auto' && overflow !== 'scroll') continue;
        const view = up.getBoundingClientRect();
        top = Math.max(top, view.top);
        bottom = Math.min(bottom, view.bottom);
      }
      return bottom - top > slack ? new DOMRect(rect.left, top, rect.width, bottom - top) : undefined;
    };
    const checkRect = (rect: DOMRect, element: Element, what: string): void => {
      if (rect.width <= 0 && rect.height <= 0) return;
      if (rect.left < -slack || rect.right > width + slack) {
        problems.push(`${what} ${describe(element)} overflows horizontally: ${Math.round(rect.left)}..${Math.round(rect.right)} of ${width}`);
      }
      if ((rect.top < -slack || rect.bottom > height + slack) && !inVerticalScroller(element)) {
        problems.push(`${what} ${describe(element)} overflows vertically: ${Math.round(rect.top)}..${Math.round(rect.bottom)} of ${height}`);
      }
    };

    const visible = Array.from(app.querySelectorAll('*')).filter(shown);
    const lines: { element: Element; rect: DOMRect }[] = [];
    for (const element of visible) {
      checkRect(element.getBoundingClientRect(), element, 'element');
      // Text can run out of its box (a long word, a nowrap line) while the box itself fits.
      for (const node of Array.from(element.childNodes)) {
        if (node.nodeType !== Node.TEXT_NODE || (node.textContent ?? '').trim() === '') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of Array.from(range.getClientRects())) {
          checkRect(rect, element, 'text of');
          const seen = seenPart(rect, element);
          if (seen !== undefined) lines.push({ element, rect: seen });
        }
      }
    }

    // Touch targets: a radio or checkbox inside its label is tapped through the label.
    const targets = new Set<Element>();
    for (const element of visible) {
      if (!element.matches('button, input:not([type="hidden"]), select, textarea, a[href], [role="button"]')) continue;
      const label = element.closest('label');
      targets.add(element instanceof HTMLInputElement && (element.type === 'radio' || element.type === 'checkbox') && label !== null ? label : element);
    }
    const sized = [...targets].map((element) => ({ element, rect: element.getBoundingClientRect() }));
    for (const { element, rect } of sized) {
      if (rect.width < limit.minTargetPx - slack || rect.height < limit.minTargetPx - slack) {
        problems.push(`target ${describe(element)} is ${Math.round(rect.width)}×${Math.round(rect.height)} px, under ${limit.minTargetPx}`);
      }
    }
    // Overlaps are judged where each target is seen, within its scroll container's view.
    const boxes = sized.flatMap(({ element, rect }) => {
      const seen = seenPart(rect, element);
      return seen === undefined ? [] : [{ element, rect: seen }];
    });
    const overlap = (a: DOMRect, b: DOMRect): boolean =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;
    // Words under or over a button: neither is read nor tapped for sure (a status line over the Staff button).
    for (const line of lines) {
      for (const { element, rect } of boxes) {
        if (!element.contains(line.element) && overlap(line.rect, rect))
          problems.push(`text of ${describe(line.element)} overlaps target ${describe(element)}`);
      }
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a === undefined || b === undefined || a.element.contains(b.element) || b.element.contains(a.element)) continue;
        if (overlap(a.rect, b.rect)) problems.push(`targets overlap: ${describe(a.element)} and ${describe(b.element)}`);
      }
    }

    for (const selector of limit.unobstructed ?? []) {
      const kept = document.querySelector(selector);
      if (kept === null || !shown(kept)) {
        problems.push(`${selector} is not shown`);
        continue;
      }
      const keptRect = kept.getBoundingClientRect();
      for (const element of visible) {
        if (element === kept || element.contains(kept) || kept.contains(element)) continue;
        const rect = element.getBoundingClientRect();
        if (rect.width > 0 && rect.height > 0 && overlap(rect, keptRect)) problems.push(`${describe(element)} overlaps ${selector}`);
      }
    }

    let reasons = 0;
    let smallestReasonPx = Number.POSITIVE_INFINITY;
    for (const item of visible.filter((element) => element.matches('#verdict-reasons li'))) {
      reasons++;
      for (const part of [item, ...Array.from(item.querySelectorAll('*'))]) {
        if ((part.textContent ?? '').trim() === '') continue;
        const size = Number.parseFloat(getComputedStyle(part).fontSize);
        smallestReasonPx = Math.min(smallestReasonPx, size);
        if (size < limit.minReasonPx - slack) problems.push(`reason text ${describe(part)} is ${size} px, under ${limit.minReasonPx}`);
      }
    }
    const headline = document.getElementById('verdict-headline-vi');
    const headlinePx = headline !== null && shown(headline) ? Number.parseFloat(getComputedStyle(headline).fontSize) : 0;
    return {
      screen: app.dataset.screen ?? '',
      problems,
      interactive: sized.length,
      reasons,
      smallestReasonPx: reasons === 0 ? 0 : smallestReasonPx,
      headlinePx,
    };
  }, limits);
}
