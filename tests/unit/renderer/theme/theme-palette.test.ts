import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../support/kiosk-process.js';

/**
 * Both themes' palettes (renderer/theme.css) against WCAG 1.4.6: every pair of text colour and
 * the ground it is drawn on at least 7:1. The e2e accessibility test checks the screens as shown
 * with axe-core; this one also covers what axe cannot judge there, the red verdict's words on
 * its striped ground (axe leaves text over a gradient undecided), on both stripes.
 */
const css = readFileSync(join(repoRoot(), 'renderer', 'theme.css'), 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} in theme.css`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/(--[a-z-]+):\s*(#[0-9a-f]{3,6});/gi)].map((m) => [m[1], m[2]]));
}

const dark = block(":root[data-theme='dark']");
// The bright theme overrides the dark one's colours; what it does not name is shared.
const THEMES = { dark, bright: { ...dark, ...block(":root[data-theme='bright']") } };

function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d) : [hex.slice(1, 3), hex.slice(3, 5), hex.slice(5, 7)];
  const [r, g, b] = digits.map((d) => {
    const c = parseInt(d, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [dim, light] = [luminance(a), luminance(b)].sort((x, y) => x - y) as [number, number];
  return (light + 0.05) / (dim + 0.05);
}

/** Each text colour with the grounds the stylesheets draw it on. */
const PAIRS: readonly [string, string][] = [
  ['--ink', '--surface'],
  ['--ink', '--panel'],
  ['--ink', '--field'],
  ['--ink', '--row'],
  ['--ink', '--fault'],
  ['--attention', '--surface'],
  ['--attention', '--row'],
  ['--alarm-ink', '--row'],
  ['--muted-ink', '--panel'],
  ['--green-ink', '--green'],
  ['--yellow-ink', '--yellow'],
  ['--red-ink', '--red'],
  ['--red-ink', '--red-stripe'],
  ['--red-icon-ink', '--red-icon'],
  ['--none-ink', '--none'],
];

describe.each(Object.entries(THEMES))('the %s theme', (_name, palette) => {
  it.each(PAIRS)('%s on %s: at least 7:1', (text, ground) => {
    const [ink, behind] = [palette[text], palette[ground]];
    if (ink === undefined || behind === undefined) throw new Error(`${text} or ${ground} is not a colour of theme.css`);
    expect(contrast(ink, behind)).toBeGreaterThanOrEqual(7);
  });

  it('the Staff confirm button: strong green words on white', () => {
    expect(contrast(palette['--green-strong'] ?? '', '#fff')).toBeGreaterThanOrEqual(7);
  });
});

it('the two themes differ where a sunlit screen needs it: dark words on a light ground in bright', () => {
  expect(luminance(THEMES.bright['--surface'] ?? '')).toBeGreaterThan(0.8);
  expect(luminance(THEMES.bright['--ink'] ?? '')).toBeLessThan(0.05);
  expect(luminance(THEMES.dark['--surface'] ?? '')).toBeLessThan(0.05);
});
