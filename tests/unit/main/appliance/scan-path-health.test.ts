import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScanPathProbe, WRITE_PROBE_FILE, type ScanPathProbe } from '../../../../main/appliance/scan-path-health.js';
import { tempDataDir } from '../../../support/kiosk-process.js';
import { makeDirReadOnly } from '../../../support/read-only-dir.js';

describe('the scan path health probe', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  // A busy test machine stalls the loop too: only the loop's own test looks for stalls this short.
  function probeIn(dir: string, readFacts: () => void = () => undefined, maxLoopDelayMs = 60_000): ScanPathProbe {
    const entryLogFile = join(dir, 'kiosk.sqlite');
    writeFileSync(entryLogFile, '');
    const probe = openScanPathProbe({ entryLogFile, readFacts, maxLoopDelayMs });
    cleanups.push(() => probe.close());
    return probe;
  }

  it('is healthy with a writable entry log and readable facts, and leaves no file behind', () => {
    const dir = tempDataDir();
    const probe = probeIn(dir);
    expect(probe.check()).toEqual({ healthy: true, problems: [] });
    expect(existsSync(join(dir, WRITE_PROBE_FILE))).toBe(false);
  });

  it('is unhealthy when the entry log directory takes no new file', () => {
    const dir = tempDataDir();
    const probe = probeIn(dir);
    cleanups.push(makeDirReadOnly(dir));
    const health = probe.check();
    expect(health.healthy).toBe(false);
    expect(health.problems).toEqual([expect.stringMatching(/^entry log not writable: E(PERM|ACCES)$/)]);
  });

  it('is unhealthy when the entry log file is gone', () => {
    const dir = tempDataDir();
    const probe = openScanPathProbe({ entryLogFile: join(dir, 'missing.sqlite'), readFacts: () => undefined });
    cleanups.push(() => probe.close());
    expect(probe.check().problems).toEqual(['entry log not writable: ENOENT']);
  });

  it('is unhealthy after the event loop was blocked, and healthy again at the next check', async () => {
    const probe = probeIn(tempDataDir(), () => undefined, 400);
    probe.check();
    const until = Date.now() + 1_000;
    while (Date.now() < until) {
      // Blocking the loop on purpose.
    }
    // The stall is seen once the loop runs its timers again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = probe.check();
    expect(health.healthy).toBe(false);
    expect(health.problems).toEqual([expect.stringMatching(/^event loop stalled \d+ ms$/)]);
    expect(probe.check().healthy).toBe(true);
  });

  it('is unhealthy when the facts cannot be read', () => {
    const probe = probeIn(tempDataDir(), () => {
      throw new Error('database disk image is malformed');
    });
    expect(probe.check().problems).toEqual(['facts not readable: database disk image is malformed']);
  });

  it('counts the page silent only past its limit, and not at all while no page has beaten', () => {
    const dir = tempDataDir();
    const entryLogFile = join(dir, 'kiosk.sqlite');
    writeFileSync(entryLogFile, '');
    let silentMs: number | undefined;
    const probe = openScanPathProbe({
      entryLogFile,
      readFacts: () => undefined,
      pageSilentForMs: () => silentMs,
      maxPageSilentMs: 60_000,
      maxLoopDelayMs: 60_000,
    });
    cleanups.push(() => probe.close());
    expect(probe.check().healthy).toBe(true);
    silentMs = 59_000;
    expect(probe.check().healthy).toBe(true);
    silentMs = 61_000;
    expect(probe.check().problems).toEqual(['page silent 61 s']);
  });
});
