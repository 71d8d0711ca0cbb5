// The import rules of the codebase, checked in `npm test` (test/imports.test.ts) and by
// `npx depcruise sandbox scenarios contracts fixtures --config .dependency-cruiser.cjs`.
// Layers, lowest first: synthetic data and the clock; the store; HTTP helpers; the
// domains (bank, platform, webhooks, events, evidence, generate); what serves them
// (control, demo, worlds, time, serving); the command line. An import goes down, never up.
const notTest = '\\.test\\.tsx?$'
const DOMAINS = 'bank|platform|webhooks|events|evidence|generate'
const SERVING = 'control|demo|worlds|serving|cli'

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle makes the order of module evaluation matter and hides which part depends on which.',
      severity: 'error',
      from: { pathNot: notTest },
      to: { circular: true },
    },
    {
      name: 'synthetic-stands-alone',
      comment: 'The synthetic data is made from a seed alone: it knows nothing of banks, stores or servers.',
      severity: 'error',
      from: { path: '^sandbox/synthetic/', pathNot: notTest },
      to: { path: '^sandbox/', pathNot: '^sandbox/synthetic/' },
    },
    {
      name: 'store-imports-no-domain',
      comment: 'The store keeps records; the records it needs are declared in store/records.ts.',
      severity: 'error',
      from: { path: '^sandbox/store/', pathNot: notTest },
      to: {
        path: '^sandbox/',
        pathNot: '^sandbox/(store/|synthetic/types\\.ts$|time/clock\\.ts$|usage-error\\.ts$)',
      },
    },
    {
      name: 'http-imports-no-domain',
      comment: 'HTTP helpers serve every part; a domain type they need moves down to http/.',
      severity: 'error',
      from: { path: '^sandbox/http/', pathNot: notTest },
      to: {
        path: '^sandbox/',
        pathNot: '^sandbox/(http/|store/unavailable\\.ts$|time/clock\\.ts$|usage-error\\.ts$)',
      },
    },
    {
      name: 'domains-import-no-server',
      comment: 'The bank, the platform and the rest do not know how they are served or driven.',
      severity: 'error',
      from: { path: `^sandbox/(${DOMAINS})/`, pathNot: notTest },
      to: { path: `^sandbox/(${SERVING})/` },
    },
    {
      name: 'sandbox-never-imports-the-judge',
      comment: 'Scenarios judge the sandbox from outside; only the command line brings them together.',
      severity: 'error',
      from: { path: '^sandbox/', pathNot: `^sandbox/cli/|${notTest}` },
      to: { path: '^(scenarios|contracts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
