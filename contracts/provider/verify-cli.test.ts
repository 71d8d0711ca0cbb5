import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseVerifyArgs, verifyCommand } from '../verify-cli.ts'
import { PROVIDERS } from '../vocabulary.ts'
import { type StubBroker, startStubBroker } from './stub-broker.ts'
import { pactFile } from './support.ts'

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
    return { code: 0, output: plain(stdout), stderr: '' }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: plain(failed.stdout + failed.stderr), stderr: plain(failed.stderr) }
  }
}
const plain = stripVTControlCharacters

/** `verify` in this process: quicker than a new one, and Pact's own report goes to the test log. */
async function verifyHere(...args: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const sink = (into: string[]) => ({ write: (chunk: string) => into.push(chunk) > 0 })
  const io = { stdout: sink(stdout), stderr: sink(stderr), env: {}, wallNow: Date.now } as never
  const code = await verifyCommand(args, io)
  return { code, output: stdout.join('') + stderr.join(''), stderr: stderr.join('') }
}

interface ExampleInteraction {
  providerStates: { name: string }[]
  response: { body: Record<string, unknown> }
}

/** A fresh temporary directory holding these files. */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pacts-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
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
  test('the broker comes from PACT_BROKER_* when no flag names it, with Pact’s default selectors less matchingBranch', () => {
    const { request } = parseVerifyArgs([], {
      PACT_BROKER_BASE_URL: 'https://broker.example',
      PACT_BROKER_TOKEN: 'secret',
    })
    expect(request.broker).toEqual({
      url: 'https://broker.example',
      token: 'secret',
      consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
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
      providerBranch: 'main',
      publish: { providerVersion: 'abc123' },
    })
    expect(world.seed).toBe(7)
  })
})

describe('no false greens', () => {
  let broker: StubBroker
  let failing: StubBroker
  beforeAll(async () => {
    broker = await startStubBroker({ [PROVIDERS.webhooks]: pactFile(PROVIDERS.webhooks) })
    failing = await startStubBroker(
      { [PROVIDERS.platform]: pactFile(PROVIDERS.platform) },
      { failPublication: true },
    )
  })
  afterAll(async () => {
    await broker.close()
    await failing.close()
  })

  test('an empty pact folder fails and says where it looked', async () => {
    const dir = folderWith({})
    const { code, output } = await verifyHere('--pact', dir)
    expect(output).toContain(`nothing to verify in ${dir}`)
    expect(output).not.toContain('every interaction passed')
    expect(code).toBe(1)
  })

  test('a folder of JSON that is not a pact fails and names what it skipped', async () => {
    const dir = folderWith({ 'package.json': '{"name":"my-bot"}', 'broken.json': '{' })
    const { code, output } = await verifyHere('--pact', dir)
    expect(output).toContain(`nothing to verify in ${dir}`)
    expect(output).toContain('package.json: not a pact')
    expect(output).toContain('broken.json: not readable JSON')
    expect(code).toBe(1)
  })

  test('a pact with no interactions is nothing to verify', async () => {
    const pact = { consumer: { name: 'my-bot' }, provider: { name: 'bank-api' }, interactions: [] }
    const dir = folderWith({ 'my-bot-bank-api.json': JSON.stringify(pact) })
    const { code, output } = await verifyHere('--pact', dir)
    expect(output).toContain('hold no interaction')
    expect(code).toBe(1)
  })

  test('results the broker refuses to store fail the run', async () => {
    const { code, output } = await verifyHere(
      ...['--broker-url', failing.url, '--provider', PROVIDERS.platform],
      ...['--publish', '--provider-version', '1.0.0', '--provider-branch', 'main'],
    )
    expect(failing.results.length).toBeGreaterThan(0)
    expect(failing.versions).toContain(`${PROVIDERS.platform}/1.0.0 branch main`)
    expect(output).toContain('Verification results that did not reach the broker (1)')
    expect(output).toContain('the broker answered 400')
    expect(output).toContain('verification results did not reach the broker')
    expect(code).toBe(1)
  })

  test('without --provider only the providers with pacts are verified, and the run says which', async () => {
    const { code, output } = await verifyHere('--broker-url', broker.url, '--provider-branch', 'feat-x')
    expect(output).toContain(
      'Pacts at the broker for bank-webhooks (1); none for bank-api, platform-send-api, not verified.',
    )
    expect(broker.queries.map((q) => q.provider)).toContain(PROVIDERS.webhooks)
    expect(output).toContain('every interaction passed')
    expect(code).toBe(0)
  })

  test('branch and tags reach the broker without --publish', async () => {
    const { code } = await verifyHere(
      ...['--broker-url', broker.url, '--provider', PROVIDERS.webhooks],
      ...['--provider-branch', 'feat-y', '--provider-tag', 'dev'],
    )
    const query = broker.queries.find((q) => q.body.providerVersionBranch === 'feat-y')
    expect(query?.body).toMatchObject({
      providerVersionBranch: 'feat-y',
      providerVersionTags: ['dev'],
      consumerVersionSelectors: [
        { mainBranch: true },
        { deployedOrReleased: true },
        { matchingBranch: true },
      ],
    })
    expect(code).toBe(0)
  })

  test('a broker with no pact for any provider fails', async () => {
    const empty = await startStubBroker({})
    try {
      const { code, output } = await verifyHere('--broker-url', empty.url)
      expect(output).toContain(
        `the Pact Broker at ${empty.url} has no pact for bank-api, platform-send-api, bank-webhooks`,
      )
      expect(code).toBe(1)
    } finally {
      await empty.close()
    }
  })

  test('a broker that does not answer is one line on stderr and exit 1, no stack trace', async () => {
    const { code, stderr } = await verify('--broker-url', 'http://127.0.0.1:9')
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^bank-sandbox verify: The Pact Broker at http:\/\/127\.0\.0\.1:9 did not answer/,
      ),
    ])
    expect(code).toBe(1)
  })

  test('matchingBranch with no branch to match is a usage error', async () => {
    const out: string[] = []
    const sink = { write: (chunk: string) => out.push(chunk) > 0 }
    const io = { stdout: sink, stderr: sink, env: {}, wallNow: Date.now } as never
    const args = [
      '--broker-url',
      'http://broker.example',
      '--consumer-version-selectors',
      '[{"matchingBranch":true}]',
    ]
    expect(await verifyCommand(args, io)).toBe(2)
    expect(out.join('')).toContain('The matchingBranch selector needs --provider-branch')
  })

  test('an unknown option is a usage error in one line', async () => {
    const out: string[] = []
    const sink = { write: (chunk: string) => out.push(chunk) > 0 }
    const io = { stdout: sink, stderr: sink, env: {}, wallNow: Date.now } as never
    expect(await verifyCommand(['--pacts', 'x'], io)).toBe(2)
    expect(out.join('')).toMatch(/^bank-sandbox: Unknown option '--pacts'/)
  })
})
