import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify, stripVTControlCharacters } from 'node:util'
import { describe, expect, test } from 'vitest'
import { parseVerifyArgs, verifyCommand } from '../verify-cli.ts'

// `bank-sandbox verify` as a team would run it: a separate process, Pact's report on
// stdout, the verdict in the exit code.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const EXAMPLE = join(ROOT, 'contracts/examples/example-bot-bank-api.json')

async function verify(...args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/bank-sandbox.js', 'verify', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, PACT_DO_NOT_TRACK: 'true' },
      },
    )
    return { code: 0, output: plain(stdout) }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: plain(failed.stdout + failed.stderr) }
  }
}
const plain = stripVTControlCharacters

interface ExampleInteraction {
  providerStates: { name: string }[]
  response: { body: Record<string, unknown> }
}

/** A copy of the handcrafted example, changed by `edit`, in a temporary file. */
function exampleWith(edit: (pact: { interactions: ExampleInteraction[] }) => void): string {
  const pact = JSON.parse(readFileSync(EXAMPLE, 'utf8'))
  edit(pact)
  const file = join(mkdtempSync(join(tmpdir(), 'pact-')), 'pact.json')
  writeFileSync(file, JSON.stringify(pact))
  return file
}

describe('bank-sandbox verify', () => {
  test.concurrent('every pact this project commits verifies with it', async () => {
    const { code, output } = await verify('--pact', 'contracts/pacts')
    expect(output).toContain('Verifying a pact between reference-integration and bank-webhooks')
    expect(output).toContain('every interaction passed')
    expect(code).toBe(0)
  })

  test.concurrent('a handcrafted team pact using the state vocabulary verifies', async () => {
    const { code, output } = await verify('--pact', 'contracts/examples')
    expect(output).toContain('Verifying a pact between example-bot and bank-api')
    expect(code).toBe(0)
  })

  test.concurrent('a pact expecting a field the API does not return fails with a readable mismatch', async () => {
    const file = exampleWith((pact) => {
      const [balance] = pact.interactions
      if (!balance) throw new Error('the example lost its balance interaction')
      balance.response.body.nickname = 'Joint account'
      pact.interactions = [balance]
    })
    const { code, output } = await verify('--pact', file)
    expect(output).toContain('has a matching body (FAILED)')
    expect(output).toContain('$ -> Actual map is missing the following keys: nickname')
    expect(code).toBe(1)
  })

  test.concurrent('an unknown provider state fails clearly, not silently', async () => {
    const file = exampleWith((pact) => {
      const revoked = pact.interactions[2]
      const state = revoked?.providerStates[1]
      if (!revoked || !state) throw new Error('the example lost its revocation interaction')
      state.name = 'a customer with a pet dragon'
      pact.interactions = [revoked]
    })
    const { code, output } = await verify('--pact', file)
    expect(output).toContain('One or more of the setup state change handlers has failed')
    expect(output).toContain('Unknown provider state "a customer with a pet dragon". Known states')
    expect(output).toContain('verification FAILED')
    expect(code).toBe(1)
  })
})

describe('verify usage errors', () => {
  const io = () => {
    const err: string[] = []
    const sink = { write: (chunk: string) => err.push(chunk) > 0 }
    return { err, io: { stdout: sink, stderr: sink, env: {}, wallNow: Date.now } as never }
  }

  test('no pact and no broker is a usage error', async () => {
    const { err, io: cliIo } = io()
    expect(await verifyCommand([], cliIo)).toBe(2)
    expect(err.join('')).toContain('verify needs --pact FILE|DIR|URL, or --broker-url')
  })

  test('publishing without a provider version is a usage error', async () => {
    const { err, io: cliIo } = io()
    expect(await verifyCommand(['--broker-url', 'http://broker.example', '--publish'], cliIo)).toBe(2)
    expect(err.join('')).toContain('--provider-version')
  })

  test('a pact file that does not exist is a usage error', async () => {
    const { err, io: cliIo } = io()
    expect(await verifyCommand(['--pact', 'no/such/pact.json'], cliIo)).toBe(2)
    expect(err.join('')).toContain('--pact no/such/pact.json: no such file or directory')
  })
})

describe('verify options', () => {
  test('the broker comes from PACT_BROKER_* when no flag names it, with Pact’s default selectors', () => {
    const { request } = parseVerifyArgs([], {
      PACT_BROKER_BASE_URL: 'https://broker.example',
      PACT_BROKER_TOKEN: 'secret',
    })
    expect(request.broker).toEqual({
      url: 'https://broker.example',
      token: 'secret',
      providers: ['bank-api', 'platform-send-api', 'bank-webhooks'],
      consumerVersionSelectors: [
        { mainBranch: true },
        { deployedOrReleased: true },
        { matchingBranch: true },
      ],
    })
    expect(request.publish).toBeUndefined()
  })

  test('flags pass through to Pact’s verifier options', () => {
    const { request, world } = parseVerifyArgs(
      [
        ...['--broker-url', 'https://broker.example', '--provider', 'bank-api', '--consumer', 'my-bot'],
        ...['--consumer-version-selectors', '[{"branch":"feat-x"}]', '--enable-pending'],
        ...['--publish', '--provider-version', 'abc123', '--provider-branch', 'main', '--seed', '7'],
      ],
      {},
    )
    expect(request).toMatchObject({
      broker: {
        providers: ['bank-api'],
        consumerVersionSelectors: [{ branch: 'feat-x' }],
        enablePending: true,
      },
      consumers: ['my-bot'],
      publish: { providerVersion: 'abc123', branch: 'main' },
    })
    expect(world.seed).toBe(7)
  })
})
