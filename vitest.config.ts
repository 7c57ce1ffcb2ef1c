import { defineConfig } from 'vitest/config';

/**
 * Two tiers: `unit` runs pure logic in Node (happy-dom where a DOM is needed); `e2e` drives the built
 * extension in real Chromium, one file at a time since each launches its own browser.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // ArrayBuffer.prototype.transfer, which Chromium has and Node 20 keeps behind a flag: the engine frees a
          // released tensor's memory with it (engine/release-tensor.ts), and the unit tests check that it does.
          // Newer Node has it already (and may not know the flag).
          execArgv: 'transfer' in ArrayBuffer.prototype ? [] : ['--harmony-rab-gsab-transfer'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
