import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseVerifyArgs, verifyCommand } from '../verify-cli.ts'
import { PROVIDERS } from '../vocabulary.ts'
import { type StubBroker, startStubBroker } from './stub-broker.ts'
import { pactFile } from './support.ts'

// `bank-sandbox verify` as a team would run it: a separate process, Pact's report on
// stdout, the verdict in the exit code.

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const EXAMPLE = join(ROOT, 'contracts/examples/example-bot-bank-api.json')

/** `bank-sandbox verify` in a process of its own, stdout and stderr piped, exactly as they came. */
async function verifyRaw(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['bin/bank-sandbox.js', 'verify', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, PACT_DO_NOT_TRACK: 'true', ...env },
      },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** The same, stdout and stderr together: plain text through pipes, so no escape code is stripped here. */
async function verify(...args: string[]) {
  const { code, stdout, stderr } = await verifyRaw(args)
  return { code, output: stdout + stderr, stderr }
}

/**
 * `verify` as the CLI calls it, with streams that are no terminal: the verification runs
 * in a child process, and Pact's report comes back through `io` with the rest.
 */
async function verifyHere(...args: string[]) {
  return verifyWith({}, ...args)
}

async function verifyWith(options: { tty?: boolean; env?: Record<string, string> }, ...args: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const sink = (into: string[]) => ({
    isTTY: options.tty ?? false,
    write: (chunk: string) => into.push(chunk) > 0,
  })
  const io = {
    stdout: sink(stdout),
    stderr: sink(stderr),
    env: options.env ?? {},
    wallNow: Date.now,
  } as never
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
function exampleWith(
  edit: (pact: { provider: { name: string }; interactions: ExampleInteraction[] }) => void,
): string {
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

describe('only the sandbox’s providers', () => {
  const THREE = 'bank-api, bank-webhooks or platform-send-api'
  const forSandbox = () =>
    exampleWith((pact) => {
      pact.provider.name = 'bank-sandbox'
    })

  test.concurrent('a pact file for another provider fails, and names the three', async () => {
    const file = forSandbox()
    const { code, output } = await verify('--pact', file)
    expect(output).toContain(
      `pact ${file}: provider "bank-sandbox" is not one this sandbox verifies: ${THREE}`,
    )
    expect(output).not.toContain('Verifying a pact between')
    expect(output).not.toContain('every interaction passed')
    expect(code).toBe(1)
  })

  test('a folder with one pact for another provider among good ones fails, and names that one', async () => {
    const good = readFileSync(EXAMPLE, 'utf8')
    const foreign = readFileSync(forSandbox(), 'utf8')
    const dir = folderWith({ 'a-bank-api.json': good, 'b-bank-sandbox.json': foreign })
    const { code, output } = await verifyHere('--pact', dir)
    expect(output).toContain(`pact ${join(dir, 'b-bank-sandbox.json')}: provider "bank-sandbox" is not one`)
    expect(output).not.toContain('a-bank-api.json')
    expect(code).toBe(1)
  })

  test('a pact at a URL for another provider fails; one for the sandbox verifies', async () => {
    const broker = await startStubBroker({ foreign: forSandbox(), good: EXAMPLE })
    try {
      const refused = await verifyHere('--pact', `${broker.url}/pacts/foreign`)
      expect(refused.output).toContain(
        `pact ${broker.url}/pacts/foreign: provider "bank-sandbox" is not one this sandbox verifies: ${THREE}`,
      )
      expect(refused.code).toBe(1)
      const verified = await verifyHere('--pact', `${broker.url}/pacts/good`)
      expect(verified.output).toContain('Verifying a pact between example-bot and bank-api')
      expect(verified.code).toBe(0)
    } finally {
      await broker.close()
    }
  })

  test('--provider for another provider is a usage error that names the three', async () => {
    const { code, output } = await verifyHere(
      '--broker-url',
      'http://broker.example',
      '--provider',
      'bank-sandbox',
    )
    expect(output).toContain(`--provider bank-sandbox: not one this sandbox verifies: ${THREE}`)
    expect(code).toBe(2)
  })
})

describe('a plain report where colour does not belong', () => {
  test.concurrent('stdout piped: no escape code anywhere', async () => {
    const { code, stdout, stderr } = await verifyRaw(['--pact', EXAMPLE])
    expect(stdout).toContain('Verifying a pact between example-bot and bank-api')
    expect(stdout).toContain('every interaction passed')
    expect(stdout + stderr).not.toContain('\x1b[')
    expect(code).toBe(0)
  })

  test.concurrent('stdout piped, with NO_COLOR=1: no escape code either', async () => {
    const { code, stdout, stderr } = await verifyRaw(['--pact', EXAMPLE], { NO_COLOR: '1' })
    expect(stdout).toContain('has a matching body (OK)')
    expect(stdout + stderr).not.toContain('\x1b[')
    expect(code).toBe(0)
  })

  test('on a terminal with NO_COLOR set, the report is plain and comes through the CLI’s stdout', async () => {
    const { code, output } = await verifyWith({ tty: true, env: { NO_COLOR: '1' } }, '--pact', EXAMPLE)
    expect(output).toContain('Verifying a pact between example-bot and bank-api')
    expect(output).not.toContain('\x1b[')
    expect(code).toBe(0)
  })
})
