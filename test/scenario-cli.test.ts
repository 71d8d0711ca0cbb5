import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { startIntegration } from '../fixtures/reference/server.ts'
import { publicCredentials } from '../sandbox/credentials.ts'
import { scenarioNamed } from '../scenarios/catalogue.ts'
import { startExternalTarget } from '../scenarios/external.ts'
import { runSerially } from '../scenarios/runner.ts'
import { startSocketSandbox } from './helpers.ts'

const run = promisify(execFile)
const cli = (...args: string[]) =>
  run('node', ['bin/bank-sandbox.js', ...args], { maxBuffer: 8 * 1024 * 1024 }).then(
    (ok) => ({ code: 0, ...ok }),
    (error) => error as { code: number; stdout: string; stderr: string },
  )

describe('bank-sandbox scenario', () => {
  test('list names every scenario with what it catches', async () => {
    const { code, stdout } = await cli('scenario', 'list')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^fraud-burst\s+Fraud burst\. Catches: spamming/m)
    expect(stdout).toMatch(/^forged-callback\s+/m)
  })

  test('a passing run exits 0 and writes a JUnit report', async () => {
    const report = join(tmpdir(), `bank-sandbox-${process.pid}.xml`)
    const { code, stdout } = await cli(
      'scenario',
      'run',
      'forged-callback',
      'bank-outage',
      '--report',
      report,
    )
    expect(code).toBe(0)
    expect(stdout).toContain('2 of 2 scenarios passed')
    expect(await readFile(report, 'utf8')).toContain('<testsuite name="forged-callback (reference)"')
  })

  test('a failing run exits 1 and names the finding; the JSON report says so, in a folder it creates', async () => {
    const report = join(tmpdir(), `bank-sandbox-${process.pid}`, 'reports', 'scenarios.json')
    const { code, stdout } = await cli(
      'scenario',
      'run',
      'forged-callback',
      '--integration',
      'faulty/no-state-check',
      '--report',
      report,
    )
    expect(code).toBe(1)
    expect(stdout).toContain('✘ forged-callback-refused')
    expect(JSON.parse(await readFile(report, 'utf8'))).toMatchObject({ passed: false })
  })

  test.each([
    [['scenario', 'run', 'no-such-scenario'], /Unknown scenario "no-such-scenario"/],
    [['scenario', 'run', '--all', '--integration', 'faulty/nope'], /Unknown integration "faulty\/nope"/],
    [['scenario', 'run', '--all', '--report', 'out.txt'], /--report must name a .xml/],
    [['scenario', 'run'], /Name the scenarios to run, or pass --all/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { code, stderr } = await cli(...args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})

describe('against an external integration', () => {
  test('runs serially on the sandbox it is configured for, with fresh people each run', async () => {
    const sandbox = await startSocketSandbox()
    const { deps } = sandbox
    const integration = await startIntegration({
      sandboxUrl: sandbox.url,
      credentials: publicCredentials(deps.credentials),
    })
    try {
      const target = await startExternalTarget(integration.url, {
        sandboxUrl: sandbox.url,
        reactionMs: 1_000,
      })
      const scenarios = ['consent-revoked', 'fraud-burst']
        .map((name) => scenarioNamed(name))
        .filter((s) => s !== undefined)
      const first = await runSerially(scenarios, target)
      const second = await runSerially(scenarios, target)
      for (const result of [...first, ...second]) {
        expect(result.error).toBeUndefined()
        expect(result.verdicts.filter((v) => !v.passed)).toEqual([])
      }
      expect(deps.state.claimed.size).toBe(6)
      expect(await (await fetch(`${sandbox.url}/sandbox/clock`)).json()).toMatchObject({ mode: 'real' })
    } finally {
      await integration.close()
      await sandbox.close()
    }
  }, 90_000)
})
