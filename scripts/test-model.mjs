// `npm run test:model -- --runs N [--seed S]`: the model-based test (test/model.test.ts)
// with N random sequences per mode instead of CI's 200 in memory and 50 in each kept mode.
import { spawnSync } from 'node:child_process'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } })
const env = { ...process.env }
for (const [name, value] of [
  ['MODEL_RUNS', values.runs],
  ['MODEL_SEED', values.seed],
]) {
  if (value === undefined) continue
  if (!/^\d+$/.test(value)) {
    console.error(
      `test:model: --${name === 'MODEL_RUNS' ? 'runs' : 'seed'} takes a whole number, not "${value}".`,
    )
    process.exit(2)
  }
  env[name] = value
}
const run = spawnSync('npx', ['vitest', 'run', 'test/model.test.ts'], { stdio: 'inherit', env })
process.exit(run.status ?? 1)
