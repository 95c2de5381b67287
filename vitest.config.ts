import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Redis-backed suites share one server; keep files from trampling each other's keys.
    fileParallelism: true,
    pool: 'forks',
  },
});
