import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

// The CI recipe of contracts/README.md runs as written: docs/ci/pact-broker-recipe.sh plays it end to
// end against the stand-in broker (docs/ci/stand-in-broker.mjs), with the Pact CLI's
// pact-broker for publish, environments, deployments and can-i-deploy.

test('the Pact Broker recipe runs end to end and the broker says the bot may deploy', async () => {
  // The stand-in broker, not whatever broker this shell may name.
  const { PACT_BROKER_BASE_URL: _real, ...inherited } = process.env
  const env = { ...inherited, PACT_DO_NOT_TRACK: 'true' }
  const { stdout } = await promisify(execFile)('bash', ['docs/ci/pact-broker-recipe.sh'], { env })
  expect(stdout).toContain('Created staging environment')
  expect(stdout).toContain(
    'Pact published successfully for consumer: reference-integration against provider: bank-api',
  )
  expect(stdout).toContain('bank-sandbox verify: every interaction passed.')
  expect(stdout).toContain('Recorded deployment of bank-webhooks version')
  expect(stdout).toContain('Computer says yes')
}, 90_000)
