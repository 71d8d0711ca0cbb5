import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['sandbox/**/*.test.ts', 'test/**/*.test.ts', 'scenarios/**/*.test.ts', 'fixtures/**/*.test.ts'],
    // Pact's native core is not safe across worker threads.
    // `bin/bank-sandbox.js` runs the bundle: build it when a source is newer.
    globalSetup: ['test/support/build.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
  },
})
