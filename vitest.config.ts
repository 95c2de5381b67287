import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Stops at once, in one line, when Redis or Chromium is missing (instead of failing suites one by one).
    globalSetup: ['test/preflight.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Redis-backed suites share one server; keep files from trampling each other's keys.
    fileParallelism: true,
    pool: 'forks',
  },
});
