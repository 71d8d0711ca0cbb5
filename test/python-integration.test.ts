import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

// An outsider's integration, written in Python from README.md and docs/integration-guide.md
// alone (test/python-integration/integration.py), run against a real sandbox process with
// the CLI as the README tells a user to: every scenario twice, then once more after the
// sandbox was killed with -9 and started again (same port, same seed, the same --data-dir)
// under the same Python process.

const REACTION_MS = 3000
/** Actions per fuzz run: short runs, so that 20 of them fit the CI's few minutes. */
const FUZZ_ACTIONS = '2-4'
const SEED = '42'
const PYTHON = process.env.PYTHON ?? 'python3'

type Verdict = { id: string; says: string; passed: boolean; message?: string }
type ScenarioResult = { scenario: string; passed: boolean; durationMs: number; verdicts: Verdict[] }
type Report = { passed: boolean; results: ScenarioResult[] }
type Run = { code: number | null; stdout: string; stderr: string; report: Report | null; ms: number }

const tmp = mkdtempSync(join(tmpdir(), 'python-integration-'))
const timings: string[] = []
let sandbox: ChildProcess | undefined
let sandboxLog = ''
let python: ChildProcess | undefined
let pythonLog = ''
let sandboxPort = 0
let sandboxUrl = ''
let pythonUrl = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitForHealth(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
      last = `HTTP ${res.status}`
    } catch (error) {
      last = String(error)
    }
    await sleep(100)
  }
  throw new Error(`sandbox at ${url} never became healthy (${last})\n${sandboxLog}`)
}

async function startSandbox(port: number): Promise<void> {
  sandboxLog = ''
  const child = spawn(
    'node',
    [
      'bin/bank-sandbox.js',
      'serve',
      '--port',
      String(port),
      '--seed',
      SEED,
      '--integration',
      'none',
      '--data-dir',
      join(tmp, 'data'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.on('data', (chunk) => {
    sandboxLog += chunk
  })
  child.stderr?.on('data', (chunk) => {
    sandboxLog += chunk
  })
  sandbox = child
  await waitForHealth(`http://127.0.0.1:${port}`)
}

function killSandbox(signal: NodeJS.Signals): Promise<void> {
  const child = sandbox
  sandbox = undefined
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}

function startPython(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      PYTHON,
      ['test/python-integration/integration.py', '--sandbox', sandboxUrl, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    )
    python = child
    let stdout = ''
    const timer = setTimeout(
      () => reject(new Error(`python never said where it listens\n${pythonLog}`)),
      15_000,
    )
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
      const match = /^listening on (\S+)/m.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    })
    child.stderr?.on('data', (chunk) => {
      pythonLog += chunk
    })
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        error.code === 'ENOENT'
          ? new Error(`${PYTHON} is not on PATH: install Python 3 or set PYTHON to its path`)
          : error,
      )
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`python exited (${code ?? signal})\n${pythonLog}`))
    })
  })
}

function runAll(label: string): Promise<Run> {
  const report = join(tmp, `${label}.json`)
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(
      'node',
      [
        'bin/bank-sandbox.js',
        'scenario',
        'run',
        '--all',
        '--integration',
        pythonUrl,
        '--sandbox',
        sandboxUrl,
        '--reaction-ms',
        String(REACTION_MS),
        '--report',
        report,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr?.on('data', (chunk) => {
      stderr += chunk
    })
    child.once('exit', (code) => {
      const ms = Date.now() - started
      timings.push(`${label}: ${(ms / 1000).toFixed(1)} s`)
      const parsed = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as Report) : null
      resolve({ code, stdout, stderr, report: parsed, ms })
    })
  })
}

/** Everything a reader needs when a run fails: the verdicts as printed, and the Python log's tail. */
function explain(run: Run): string {
  const failed = (run.report?.results ?? [])
    .flatMap((r) =>
      r.verdicts.filter((v) => !v.passed).map((v) => `${r.scenario}/${v.id}: ${v.message ?? ''}`),
    )
    .join('\n')
  return [
    `exit ${run.code}`,
    run.stdout,
    run.stderr,
    failed && `failed expectations:\n${failed}`,
    `python log (tail):\n${pythonLog.split('\n').slice(-80).join('\n')}`,
  ]
    .filter(Boolean)
    .join('\n')
}

function expectAllPassed(run: Run): void {
  const why = explain(run)
  if (run.code !== 0 || !run.report?.passed) console.error(why)
  expect(run.code, why).toBe(0)
  expect(run.report, why).not.toBeNull()
  const results = run.report?.results ?? []
  expect(results.length, why).toBeGreaterThanOrEqual(7)
  // Customer service in chat (DESIGN §13): card controls and disputes.
  expect(
    results.map((r) => r.scenario),
    why,
  ).toEqual(expect.arrayContaining(['card-controls', 'dispute-in-chat']))
  for (const result of results) {
    expect(result.passed, `${result.scenario}\n${why}`).toBe(true)
    for (const verdict of result.verdicts)
      expect(verdict.passed, `${result.scenario}/${verdict.id}\n${why}`).toBe(true)
  }
  expect(run.report?.passed, why).toBe(true)
}

/** `bank-sandbox fuzz` against the Python integration, with the normal reaction budget. */
function fuzzPython(args: string[]): Promise<Run> {
  const report = join(tmp, 'fuzz.json')
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(
      'node',
      [
        'bin/bank-sandbox.js',
        'fuzz',
        '--integration',
        pythonUrl,
        '--sandbox',
        sandboxUrl,
        '--out',
        join(tmp, 'fuzz-failures'),
        '--report',
        report,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr?.on('data', (chunk) => {
      stderr += chunk
    })
    child.once('exit', (code) => {
      const ms = Date.now() - started
      timings.push(`fuzz ${args.join(' ')}: ${(ms / 1000).toFixed(1)} s`)
      const parsed = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as Report) : null
      resolve({ code, stdout, stderr, report: parsed, ms })
    })
  })
}

describe('a Python integration written from the docs alone', () => {
  const suiteStarted = Date.now()

  beforeAll(async () => {
    // vitest's globalSetup rebuilds the bundle when a source is newer; build it if it is absent.
    if (!existsSync('dist/bank-sandbox.mjs'))
      execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' })
    sandboxPort = await freePort()
    sandboxUrl = `http://127.0.0.1:${sandboxPort}`
    await startSandbox(sandboxPort)
    pythonUrl = await startPython()
  }, 120_000)

  afterAll(async () => {
    await killSandbox('SIGKILL')
    const child = python
    python = undefined
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(3000)])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(tmp, { recursive: true, force: true })
    timings.push(`whole suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`)
    console.log(`python-integration timings:\n  ${timings.join('\n  ')}`)
  })

  test('passes every scenario, twice in a row on the same sandbox', async () => {
    const first = await runAll('run-1')
    expectAllPassed(first)
    const second = await runAll('run-2')
    expectAllPassed(second)
  }, 240_000)

  test('keeps working when the sandbox is killed with -9 and started again on its --data-dir', async () => {
    await killSandbox('SIGKILL')
    await startSandbox(sandboxPort)
    expect(python?.exitCode, 'the Python process must survive the restart').toBeNull()
    const third = await runAll('run-3-after-restart')
    expectAllPassed(third)
  }, 150_000)

  // The reaction budget is the normal one (5 s, no --reaction-ms): every run waits it out
  // wherever an invariant says "nothing happened", so the runs are short ones.
  test('keeps every fuzz invariant over 20 seeded runs, with the normal reaction budget', async () => {
    const run = await fuzzPython([
      '--seed',
      '1',
      '--runs',
      '20',
      '--actions',
      FUZZ_ACTIONS,
      '--budget',
      '10m',
    ])
    const why = explain(run)
    expect(run.stdout, why).toMatch(/✔ 20 runs, no invariant broken/)
    expect(run.code, why).toBe(0)
    expect(run.report?.results.length, why).toBe(20)
  }, 420_000)
})
