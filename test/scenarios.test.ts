import { describe, expect, test } from 'vitest'
import { BUILT_IN_INTEGRATIONS } from '../fixtures/integrations.ts'
import { runBuiltIn } from '../scenarios/built-in.ts'
import { SCENARIOS } from '../scenarios/catalogue.ts'
import { jsonReport, junitReport, textReport } from '../scenarios/report.ts'
import type { ScenarioResult } from '../scenarios/runner.ts'

// The proof that the checker can fail, and fails only what is wrong: every scenario passes
// against the reference and each correct variation of it; each faulty integration fails
// exactly the expectations its table lists, in every scenario it lists, and passes the
// others; and every expectation of every scenario is failed by at least one faulty
// integration, so no check can quietly stop checking.

/** scenario → the ids of its failed expectations, sorted; passing scenarios are left out. */
function failures(results: readonly ScenarioResult[]): Record<string, string[]> {
  const table: Record<string, string[]> = {}
  for (const result of results) {
    const failed = result.verdicts.filter((v) => !v.passed).map((v) => v.id)
    if (failed.length > 0) table[result.scenario] = failed.sort()
  }
  return table
}

const faulty = BUILT_IN_INTEGRATIONS.filter((integration) => integration.caughtBy !== undefined)
const correct = BUILT_IN_INTEGRATIONS.filter((integration) => integration.caughtBy === undefined)

// Each test runs every scenario at once; slow-acker's 2.1 s acks make its run the longest.
describe('scenario matrix', { timeout: 90_000 }, () => {
  test('the correct ones are the reference and its variations', () => {
    expect(correct.map((integration) => integration.name)).toEqual([
      'reference',
      'reference/renews-in-warning',
    ])
  })

  test.concurrent.for(correct.map((integration) => integration.name))(
    'every built-in scenario passes against %s',
    async (name) => {
      const results = await runBuiltIn(SCENARIOS, name, { concurrency: SCENARIOS.length })
      expect(results.map((r) => r.scenario)).toEqual(SCENARIOS.map((s) => s.name))
      expect(results.flatMap((r) => (r.error ? [`${r.scenario}: ${r.error}`] : []))).toEqual([])
      const failed = results.flatMap((r) =>
        r.verdicts.filter((v) => !v.passed).map((v) => `${r.scenario}/${v.id}: ${v.message}`),
      )
      expect(failed).toEqual([])
      expect(results.every((r) => r.verdicts.length > 0)).toBe(true)
    },
  )

  test.concurrent.for(faulty.map((integration) => [integration.name, integration] as const))(
    '%s fails exactly the expectations it lists, and every other scenario passes',
    async ([name, integration]) => {
      const results = await runBuiltIn(SCENARIOS, name, { concurrency: SCENARIOS.length })
      expect(results.flatMap((r) => (r.error ? [`${r.scenario}: ${r.error}`] : []))).toEqual([])
      const listed = Object.fromEntries(
        (integration.caughtBy ?? []).map((f) => [f.scenario, [...f.expectations].sort()]),
      )
      expect(failures(results)).toEqual(listed)
      // and every failure explains itself
      for (const verdict of results.flatMap((r) => r.verdicts.filter((v) => !v.passed)))
        expect(verdict.message.length).toBeGreaterThan(10)
    },
  )

  test('every expectation of every scenario is failed by some faulty integration', () => {
    const caught = new Set(
      faulty.flatMap((i) =>
        (i.caughtBy ?? []).flatMap((f) => f.expectations.map((id) => `${f.scenario}/${id}`)),
      ),
    )
    const everyId = SCENARIOS.flatMap((s) => s.expectations.map((e) => `${s.name}/${e.id}`))
    expect(
      everyId.filter((id) => !caught.has(id)),
      'expectations no faulty integration fails',
    ).toEqual([])
    expect(
      [...caught].filter((id) => !everyId.includes(id)),
      'listed, but no such expectation',
    ).toEqual([])
  })

  test('there are at least ten faulty integrations, each with a headline finding', () => {
    expect(faulty.length).toBeGreaterThanOrEqual(10)
    for (const integration of faulty) expect(integration.caughtBy?.[0]?.expectations[0]).toBeDefined()
  })
})

describe('reports', () => {
  const result = {
    scenario: 'fraud-burst',
    title: 'Fraud burst',
    integration: 'faulty/alert-spammer',
    passed: false,
    durationMs: 812,
    verdicts: [
      { id: 'acks-in-time', says: 'Acks <2 s', passed: true, message: 'ok', evidence: [] },
      {
        id: 'alerts-coalesced',
        says: 'At most two',
        passed: false,
        message: 'ana got 3 messages',
        evidence: ['"a & b"'],
      },
    ],
  }

  test('the text verdict shows each expectation and the evidence of failures', () => {
    const text = textReport([result])
    expect(text).toContain('✘ fraud-burst — Fraud burst, against faulty/alert-spammer (0.8 s)')
    expect(text).toContain('✔ acks-in-time: Acks <2 s')
    expect(text).toContain('· "a & b"')
    expect(text).toContain('0 of 1 scenarios passed; 1 of 2 expectations met, 1 failed.')
  })

  test('JUnit XML escapes text and counts failures; JSON carries the overall verdict', () => {
    const xml = junitReport([result])
    expect(xml).toContain(
      '<testsuite name="fraud-burst (faulty/alert-spammer)" tests="2" failures="1" errors="0" time="0.812">',
    )
    expect(xml).toContain('name="acks-in-time: Acks &lt;2 s"')
    expect(xml).toContain('&quot;a &amp; b&quot;</failure>')
    expect(JSON.parse(jsonReport([result]))).toMatchObject({
      passed: false,
      results: [{ scenario: 'fraud-burst' }],
    })
  })
})
