import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { pactChanges, readPacts } from './pact-files.ts'
import { PACT_DIR } from './vocabulary.ts'

// `npm run test:contracts`: consumer tests, then provider verification, never at once.
// The committed pacts are the contract other teams read, so they must be exactly what
// the consumer tests produce: this run regenerates them from an empty directory (Pact
// V4 merges into existing files) and fails when they differ from what was there before
// — in CI, from what is committed. The new files stay, ready to review and commit.

const VITEST = ['vitest', 'run', '--config', 'contracts/vitest.config.ts']

function vitest(project: 'consumer' | 'verification'): boolean {
  // PACT_DO_NOT_TRACK in this process too: Pact reads it wherever its core loads.
  const env = { ...process.env, PACT_DO_NOT_TRACK: 'true' }
  const run = spawnSync('npx', [...VITEST, '--project', project], { stdio: 'inherit', env })
  return run.status === 0
}

function main(): number {
  process.env.PACT_DO_NOT_TRACK = 'true'
  const committed = readPacts(PACT_DIR)
  for (const name of committed.keys()) rmSync(join(PACT_DIR, name))
  if (!vitest('consumer')) return 1
  const changes = pactChanges(committed, readPacts(PACT_DIR))
  const verified = vitest('verification')
  if (changes.length > 0) {
    console.error(
      `\nThe committed pacts in contracts/pacts are stale:\n${changes.map((c) => `  - ${c}`).join('\n')}\n` +
        'The consumer tests have just regenerated them: review the diff (git diff contracts/pacts) and commit it.',
    )
    return 1
  }
  return verified ? 0 : 1
}

process.exitCode = main()
