import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Contract tests run apart from the rest, in two phases that `contracts/run.ts` orders:
// consumer tests write the pacts, then provider verification reads them. Pact's native
// core is not safe across worker threads, hence forks.

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    // `bin/bank-sandbox.js` runs the bundle: build it when a source is newer.
    globalSetup: ['test/support/build.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'consumer', include: ['contracts/consumer/**/*.pact.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'verification', include: ['contracts/provider/**/*.test.ts', 'contracts/*.test.ts'] },
      },
    ],
  },
})
