import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { BUILT_IN_INTEGRATIONS } from '../fixtures/integrations.ts'

// `bank-sandbox fuzz` as a user runs it (the built bin): the reference keeps every invariant
// over 200 seeded runs, every faulty integration is caught within a 60 s budget and shrunk,
// the saved file replays the failure, and a seed always gives the same event log.

const run = promisify(execFile)
const cli = (...args: string[]) =>
  run('node', ['bin/bank-sandbox.js', ...args], { maxBuffer: 32 * 1024 * 1024 }).then(
    (ok) => ({ code: 0, ...ok }),
    (error) => error as { code: number; stdout: string; stderr: string },
  )
const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-fuzz-'))
const SEED = '1'

type Report = {
  passed: boolean
  runs: number
  eventLogHash: string
  violation?: { file: string; steps: string[] }
  results: { verdicts: unknown[]; passed: boolean }[]
}
const report = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report

describe('bank-sandbox fuzz', () => {
  test('the reference passes 200 seeded runs of at least 20 steps', async () => {
    const file = join(dir, 'reference.json')
    const { code, stdout } = await cli(
      'fuzz',
      '--integration',
      'reference',
      '--seed',
      SEED,
      '--runs',
      '200',
      '--budget',
      '240s',
      '--report',
      file,
    )
    expect(stdout).toMatch(/✔ 200 runs, no invariant broken/)
    expect(code).toBe(0)
    const { runs, passed } = report(file)
    expect({ runs, passed }).toEqual({ runs: 200, passed: true })
  }, 300_000)

  const shrunk: number[] = []
  const shrunkBy: string[] = []
  // Fuzzing has no actions yet for card controls, disputes, quick replies or the messaging
  // rules (handing over, the window): the faulty integrations only those scenarios catch
  // are left out until it has (a known gap).
  const unfuzzed = (scenario: string) =>
    ['card-controls', 'dispute-in-chat', 'human-handover', 'messaging-window'].includes(scenario)
  const faulty = BUILT_IN_INTEGRATIONS.filter(
    (i) => i.name.startsWith('faulty/') && i.caughtBy?.some((found) => !unfuzzed(found.scenario)),
  )
  test.each(faulty.map((i) => [i.name]))(
    '%s is caught within 60 s, shrunk, saved and replayed',
    async (name) => {
      const out = join(dir, name.replace('/', '-'))
      const file = join(out, 'report.json')
      const started = Date.now()
      const { code, stdout } = await cli(
        'fuzz',
        '--integration',
        name,
        '--seed',
        SEED,
        '--runs',
        '200',
        '--budget',
        '60s',
        '--out',
        out,
        '--report',
        file,
      )
      expect(code, stdout).toBe(1)
      expect(Date.now() - started).toBeLessThan(60_000 + 45_000) // the search, then at most 30 s of shrinking
      const { violation } = report(file)
      const saved = readdirSync(out).filter((f) => f.endsWith('.yaml'))
      expect(saved).toHaveLength(1)
      expect(stdout).toContain(`Saved: ${join(out, saved[0] ?? '')}`)
      // The printed timeline has one numbered line per step of the saved file.
      const numbered = stdout.split('\n').filter((line) => /^\s+\d+\. /.test(line))
      expect(numbered).toHaveLength(violation?.steps.length ?? -1)
      shrunk.push(numbered.length)
      shrunkBy.push(`${name}: ${numbered.length} steps`)
      const replay = await cli('scenario', 'run', join(out, saved[0] ?? ''), '--integration', name)
      expect(replay.code, replay.stdout).toBe(1)
    },
    120_000,
  )

  test('the median faulty integration shrinks to at most 8 steps', () => {
    const sorted = [...shrunk].sort((a, b) => a - b)
    console.log(
      `shrunk counterexamples (steps, marks included):\n  ${shrunkBy.join('\n  ')}\n  sorted: ${sorted.join(' ')}`,
    )
    expect(sorted.length).toBe(faulty.length)
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(8)
  })

  test('--skip-summit leaves summit out: a client that cannot link it is not judged there', async () => {
    const { code, stdout } = await cli(
      'fuzz',
      '--integration',
      'faulty/no-pkce',
      '--seed',
      SEED,
      '--runs',
      '30',
      '--skip-summit',
    )
    expect(stdout).toMatch(/✔ 30 runs, no invariant broken/)
    expect(code).toBe(0)
  }, 120_000)

  test('the same seed gives the same event-log hash, 10 of 10 times', async () => {
    const hashes = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const file = join(dir, `hash-${i}.json`)
      await cli('fuzz', '--integration', 'reference', '--seed', '7', '--runs', '5', '--report', file)
      hashes.add(report(file).eventLogHash)
    }
    expect(hashes.size).toBe(1)
    const other = join(dir, 'hash-other.json')
    await cli('fuzz', '--integration', 'reference', '--seed', '8', '--runs', '5', '--report', other)
    expect(hashes.has(report(other).eventLogHash)).toBe(false)
  }, 240_000)

  test.each([
    [['fuzz'], /Name the integration to fuzz/],
    [['fuzz', '--integration', 'faulty/nope'], /Unknown integration "faulty\/nope"/],
    [['fuzz', '--integration', 'reference', '--budget', 'soon'], /--budget must be a duration/],
    [['fuzz', '--integration', 'reference', '--runs', '0'], /--runs must be a whole number/],
    [['fuzz', '--integration', 'reference', '--actions', '8-4'], /--actions must be a count or a range/],
    [['fuzz', '--integration', 'reference', '--report', 'out.txt'], /--report must name a .xml/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const { code, stderr } = await cli(...args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})
