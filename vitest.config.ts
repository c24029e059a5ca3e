import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**', '.node/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CURATOR_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.CURATOR_TEST_REPORT }]]
      : ['default'],
  },
});
