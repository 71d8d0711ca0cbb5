import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import type { SandboxCredentials } from '../fixtures/reference/config.ts'
import { startIntegration } from '../fixtures/reference/server.ts'
import { scenarioNamed } from '../scenarios/catalogue.ts'
import { scenarioToYaml } from '../scenarios/scenario-file.ts'
import type { Scenario } from '../scenarios/schema.ts'
import { startSandboxProcess } from './support/sandbox-process.ts'

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
    [
      ['scenario', 'run'],
      /Name the scenarios to run \(built-in names or .yaml\/.json files\), or pass --all/,
    ],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { code, stderr } = await cli(...args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})

describe('scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-files-'))
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }

  test('a user file runs beside a built-in, with the same report', async () => {
    const builtIn = scenarioNamed('forged-callback')
    const file = write('mine.yaml', scenarioToYaml({ ...(builtIn as Scenario), name: 'my-callback' }))
    const report = join(dir, 'report.json')
    const { code, stdout } = await cli('scenario', 'run', file, 'bank-outage', '--report', report)
    expect(code).toBe(0)
    expect(stdout).toContain('✔ my-callback')
    expect(stdout).toContain('2 of 2 scenarios passed')
    expect(await readFile(report, 'utf8')).toContain('"my-callback"')
  })

  test('an invalid file exits 2 with every problem at its line, and nothing runs', async () => {
    const bad = write('bad.yaml', 'name: Bad Name\ntitle: t\nsummary: s\ncatches: c\npeople: []\nsteps: []\n')
    const broken = write('broken.json', '{"name": "x",\n  "steps": [\n')
    const { code, stdout, stderr } = await cli('scenario', 'run', bad, broken, 'fraud-burst')
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(`${bad}:1: name: lowercase words joined by dashes`)
    expect(stderr).toContain(`${bad}:5: people: Too small`)
    expect(stderr).toMatch(new RegExp(`${broken}:\\d+: `))
    expect(stderr).toMatch(/nothing was run/)
  })
})

describe('against an external integration', () => {
  test('runs serially on the sandbox it is configured for, with fresh people each run', async () => {
    const sandbox = await startSandboxProcess(['--seed', '42', '--customers', '400', '--integration', 'none'])
    const credentials = (await (
      await fetch(`${sandbox.url}/sandbox/credentials`)
    ).json()) as SandboxCredentials
    const integration = await startIntegration({ sandboxUrl: sandbox.url, credentials })
    /** Everyone who ever linked harbor: each run casts people of its own. */
    const linked = async () => {
      const { data } = (await (await fetch(`${sandbox.url}/sandbox/banks/harbor/consents`)).json()) as {
        data: { customerId: string }[]
      }
      return new Set(data.map((consent) => consent.customerId)).size
    }
    const runBoth = () =>
      cli(
        'scenario',
        'run',
        'consent-revoked',
        'fraud-burst',
        '--integration',
        integration.url,
        '--sandbox',
        sandbox.url,
      )
    try {
      const first = await runBoth()
      expect(first.code, first.stdout).toBe(0)
      const afterFirst = await linked()
      const second = await runBoth()
      expect(second.code, second.stdout).toBe(0)
      expect(second.stdout).toContain('2 of 2 scenarios passed')
      expect(afterFirst).toBeGreaterThan(0)
      expect(await linked()).toBe(2 * afterFirst)
      expect(await (await fetch(`${sandbox.url}/sandbox/clock`)).json()).toMatchObject({ mode: 'real' })
    } finally {
      await integration.close()
      await sandbox.stop()
    }
  }, 90_000)
})

describe('two runs in one world', () => {
  test('the second is refused with run_in_progress; with --wait it queues, and both verdicts are right', async () => {
    const sandbox = await startSandboxProcess(['--seed', '42', '--customers', '400', '--integration', 'none'])
    const credentials = (await (
      await fetch(`${sandbox.url}/sandbox/credentials`)
    ).json()) as SandboxCredentials
    const integration = await startIntegration({ sandboxUrl: sandbox.url, credentials })
    // consent-expiry moves the clock a year: beside fraud-burst it would expire that run's people.
    const runBoth = (...extra: string[]) =>
      cli(
        'scenario',
        'run',
        'consent-expiry',
        'fraud-burst',
        '--integration',
        integration.url,
        '--sandbox',
        sandbox.url,
        '--reaction-ms',
        '1000',
        ...extra,
      )
    const inProgress = async () =>
      ((await (await fetch(`${sandbox.url}/sandbox/runs`)).json()) as { data: { id: string }[] }).data
    try {
      const first = runBoth()
      let holder: { id: string } | undefined
      for (let tries = 0; !holder && tries < 200; tries++) {
        ;[holder] = await inProgress()
        if (!holder) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(holder).toBeDefined()

      const refused = await runBoth()
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(
          `run_in_progress: Run ${holder?.id} \\(bank-sandbox scenario run consent-expiry fraud-burst against ${integration.url}\\) has been in progress in this world since \\d{4}-`,
        ),
      )
      expect(refused.stdout).toBe('')

      const queued = runBoth('--wait')
      const [one, two] = await Promise.all([first, queued])
      expect(one.code, one.stdout).toBe(0)
      expect(two.code, two.stdout).toBe(0)
      expect(two.stderr).toContain(`Waiting for run ${holder?.id} (bank-sandbox scenario run`)
      for (const outcome of [one, two]) expect(outcome.stdout).toContain('2 of 2 scenarios passed')
      expect(await inProgress()).toEqual([])
    } finally {
      await integration.close()
      await sandbox.stop()
    }
  }, 180_000)
})
