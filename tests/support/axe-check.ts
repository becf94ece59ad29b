import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
/** axe-core's browser build, read once per test file. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One rule axe found broken, with where: enough to fix it from the test's failure message. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Each failing element's selector and axe's summary of why. */
  readonly nodes: readonly string[];
}

/**
 * Runs axe-core on the page as it is shown now (axe skips what is hidden, so this is the screen
 * on show) and returns its violations. All of axe's default rules run, plus the AAA contrast rule
 * `color-contrast-enhanced` (7:1 for text, 4.5:1 for large text), which axe leaves off by default.
 *
 * axe's source is evaluated through the DevTools protocol rather than added as a <script> tag:
 * the kiosk's Content-Security-Policy allows only its own scripts, and the check must see the
 * page under the policy it really runs with, not one loosened for the test.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // globalThis, not window: this file is type-checked with Node's types (no DOM), as tests/support is.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    interface AxeResultNode {
      target: unknown[];
      failureSummary?: string;
    }
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      nodes: AxeResultNode[];
    }
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: AxeResult[] }> } }).axe;
    // No context: the whole document.
    const { violations } = await axe.run({ rules: { 'color-contrast-enhanced': { enabled: true } }, resultTypes: ['violations'] });
    return violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
    }));
  });
}

/** The violations a kiosk screen must not have: anything serious or critical, and any text under 7:1. */
export function blockingViolations(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'color-contrast-enhanced');
}
