import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's default is one worker per core but one: on a 2-core kiosk build machine, a single
    // worker. Most test files wait on child processes (kiosks, hubs, pcscd, PostgreSQL,
    // Chromium), so two overlap well; the e2e files still run one at a time (below). `npm test`
    // runs the two projects side by side, one file of each at a time (scripts/run-tests.mjs
    // says why: Vitest itself would run the e2e project only after the unit one).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One browser and one kiosk process at a time: 2 cores, and timings matter.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
