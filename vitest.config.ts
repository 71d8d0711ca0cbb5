import { defineConfig } from 'vitest/config'

// Two kinds of test. In-process tests import the sources and answer fast: `npm run test:fast`
// runs only those. Process tests drive what ships — the built bin (`bin/bank-sandbox.js` →
// dist/), the packed tarball, a browser, Python, a real PostgreSQL — as a user does; `npm
// test` runs both. A test that starts a process belongs in PROCESS_TESTS.

const PROCESS_TESTS = [
  'test/browser-attacks.test.ts',
  'test/built-pages.test.ts',
  'test/ci-recipe.test.ts',
  'test/cli.test.ts',
  'test/customer-service-kept.test.ts',
  'test/customer-service-restart.test.ts',
  'test/model.test.ts',
  'test/messaging-rules-kept.test.ts',
  'test/dashboard.test.ts',
  'test/dashboard-agent.test.ts',
  'test/determinism.test.ts',
  'test/dispute-timeline.test.ts',
  'test/external-runs.test.ts',
  'test/fuzz.test.ts',
  'test/fuzz-postgres.test.ts',
  'test/package.test.ts',
  'test/persistence.test.ts',
  'test/postgres-restart.test.ts',
  'test/python-integration.test.ts',
  'test/scenario-cli.test.ts',
  'test/shared-secrets.test.ts',
  'test/worlds-kept.test.ts',
  'test/worlds-runs.test.ts',
]

/** In-process tests that measure the heap: they need a worker of their own, with nothing else's garbage in it. */
const OWN_WORKER_TESTS = ['test/world-deletion.test.ts']

export default defineConfig({
  test: {
    // Process tests fork: Pact's native core is not safe across worker threads.
    pool: 'forks',
    testTimeout: 20_000,
    env: { PACT_DO_NOT_TRACK: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          // Threads that keep their modules from file to file: loading the sandbox once per
          // worker, not once per file, takes the fast loop from about 93 s to 65 s on 2 cores.
          // These files load no Pact, and each builds the sandboxes it uses.
          pool: 'threads',
          isolate: false,
          include: [
            'sandbox/**/*.test.ts',
            'test/**/*.test.ts',
            'scenarios/**/*.test.ts',
            'fixtures/**/*.test.ts',
          ],
          exclude: [...PROCESS_TESTS, ...OWN_WORKER_TESTS],
        },
      },
      { extends: true, test: { name: 'in-process-alone', include: OWN_WORKER_TESTS } },
      {
        extends: true,
        // `bin/bank-sandbox.js` runs the bundle: build it first whenever a source is newer.
        test: { name: 'process', include: PROCESS_TESTS, globalSetup: ['test/support/build.ts'] },
      },
    ],
  },
})
